package dev.perch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README.md is what a newcomer reads first: it stays short, its links lead somewhere, and the test
 * command it gives is the one CI runs. Detail belongs in {@code docs/}, with a line in README.
 */
class DocsTest {
    private static final int README_LIMIT = 12_000;
    /** A Markdown link's target: {@code [text](target)} or {@code [text](target "title")}. */
    private static final Pattern LINK = Pattern.compile("\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern FENCE = Pattern.compile("```[^\\n]*\\n(.*?)```", Pattern.DOTALL);

    @Test
    void readmeStaysShort() throws IOException {
        int length = Files.readString(Path.of("README.md")).length();
        assertTrue(length < README_LIMIT, "README.md has " + length + " characters, the limit is " + README_LIMIT
                + ": put detail in docs/ and a line in README");
    }

    @Test
    void readmeLinksPointToFilesThatExist() throws IOException {
        List<String> broken = brokenLinks(Path.of("README.md"));
        assertTrue(broken.isEmpty(), "README.md links to files that do not exist: " + broken);
    }

    @Test
    void docsLinksPointToFilesThatExist() throws IOException {
        List<String> broken = new ArrayList<>();
        try (Stream<Path> pages = Files.walk(Path.of("docs"))) {
            for (Path page : pages.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                broken.addAll(brokenLinks(page));
            }
        }
        broken.addAll(brokenLinks(Path.of("loadtests", "README.md")));
        assertTrue(broken.isEmpty(), "links to files that do not exist: " + broken);
    }

    @Test
    void readmeTestCommandIsWhatCiRuns() throws IOException {
        String ci = ciCommand(Files.readString(Path.of(".ci", "run")));
        String readme = Files.readString(Path.of("README.md"));
        Matcher heading = Pattern.compile("(?m)^##+ +Test.*$").matcher(readme);
        assertTrue(heading.find(), "README.md has no section whose heading starts with 'Test'");
        Matcher block = FENCE.matcher(readme);
        assertTrue(block.find(heading.end()), "README.md's test section has no code block");
        List<String> commands = commandLines(block.group(1));
        assertEquals(List.of(ci), commands, "README.md's test command must be exactly what .ci/run runs");
    }

    /** The one command a CI script runs, after its shebang, comments, {@code set} and {@code cd} lines. */
    static String ciCommand(String script) {
        List<String> commands = commandLines(script).stream()
                .filter(line -> !line.startsWith("set ") && !line.startsWith("cd ") && !line.equals("cd"))
                .toList();
        assertEquals(1, commands.size(), ".ci/run should run one command, found " + commands);
        String command = commands.get(0);
        return command.startsWith("exec ") ? command.substring("exec ".length()).strip() : command;
    }

    /** Non-blank, non-comment lines, trimmed and with runs of blanks made one space. */
    private static List<String> commandLines(String text) {
        return text.lines().map(String::strip).filter(line -> !line.isEmpty() && !line.startsWith("#"))
                .map(line -> line.replaceAll("\\s+", " ")).toList();
    }

    /** Relative link targets in {@code page} that name no file or directory. */
    private static List<String> brokenLinks(Path page) throws IOException {
        String text = Files.readString(page);
        Path base = page.toAbsolutePath().getParent();
        List<String> broken = new ArrayList<>();
        Matcher link = LINK.matcher(text);
        while (link.find()) {
            String target = link.group(1);
            if (target.startsWith("#") || target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                continue; // an anchor on the same page, or http:, https:, mailto:
            }
            String file = target.replaceFirst("[#?].*$", "");
            assertFalse(file.isEmpty(), page + ": empty link " + target);
            if (!Files.exists(base.resolve(file).normalize())) {
                broken.add(page + " → " + target);
            }
        }
        return broken;
    }
}
