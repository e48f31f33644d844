package dev.perch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Beside the package rules ({@link ArchitectureTest}): no source file under {@code src/main} is over
 * {@value #MAX_LINES} lines. A class that long has taken on a second job; the fix is to split it by
 * job, not to raise the limit.
 */
class ClassSizeTest {
    static final int MAX_LINES = 400;

    @Test
    void noClassUnderSrcMainIsOver400Lines() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
        assertFalse(sources.isEmpty(), "no sources under src/main/java: run from the repository root");
        List<String> tooLong = new ArrayList<>();
        for (Path source : sources) {
            long lines = lines(source);
            if (lines > MAX_LINES) {
                tooLong.add(source + " has " + lines + " lines (at most " + MAX_LINES + "): split it into classes with one job each");
            }
        }
        assertEquals(List.of(), tooLong);
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
