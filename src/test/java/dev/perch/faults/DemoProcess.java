package dev.perch.faults;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged application run as users run it, {@code java -jar JAR ARGS…}, in a process of its
 * own, its stdout and stderr in files of the fault's working directory ({@code NAME.out}, {@code NAME.err}).
 */
final class DemoProcess {
    final Process process;
    final Path out;
    final Path err;

    private DemoProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts {@code java [jvmOptions] -jar jar args} with its output in {@code workDir/name.out} and {@code .err}. */
    static DemoProcess start(Path jar, Path workDir, String name, List<String> jvmOptions, List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        Path out = workDir.resolve(name + ".out");
        Path err = workDir.resolve(name + ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return new DemoProcess(process, out, err);
    }

    /** Waits until stderr holds {@code text}; false when the process ended or the time ran out first. */
    boolean awaitStderr(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (stderr().contains(text)) {
                return true;
            }
            if (!process.isAlive()) {
                return stderr().contains(text);
            }
            Thread.sleep(100);
        }
        return false;
    }

    String stdout() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    String stderr() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** The last lines of stderr, for a message saying why a run failed. */
    String stderrTail(int lines) throws IOException {
        List<String> all = stderr().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
