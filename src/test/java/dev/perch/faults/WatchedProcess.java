package dev.perch.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged application run as users run it ({@code java -jar JAR COMMAND …}), every line it
 * writes (stdout and stderr) kept with the moment it came, and copied to a log file in the fault's
 * working directory.
 */
final class WatchedProcess implements AutoCloseable {
    /** One line the process wrote, at {@code atNs} ({@link System#nanoTime()}). */
    record Line(long atNs, boolean stdout, String text) {
    }

    private final Process process;
    private final List<Line> lines = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();

    private WatchedProcess(Process process, Path log) throws IOException {
        this.process = process;
        var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
        readers.add(reader(process.getInputStream(), true, out));
        readers.add(reader(process.getErrorStream(), false, out));
    }

    static WatchedProcess start(Path jar, List<String> jvmOptions, List<String> args, Map<String, String> env, Path log)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        return new WatchedProcess(builder.start(), log);
    }

    private Thread reader(InputStream stream, boolean stdout, java.io.Writer log) {
        Thread thread = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String text = in.readLine(); text != null; text = in.readLine()) {
                    synchronized (lines) {
                        lines.add(new Line(System.nanoTime(), stdout, text));
                        log.write((stdout ? "out| " : "err| ") + text + "\n");
                        log.flush();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "fault-process-" + (stdout ? "out" : "err"));
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The lines written from {@code fromNs} to {@code toNs}, both streams. */
    List<Line> linesBetween(long fromNs, long toNs) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.atNs() >= fromNs && l.atNs() <= toNs).toList();
        }
    }

    List<Line> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits until a line (either stream) holds {@code text}; false when the process ended or the time ran out first. */
    boolean awaitLine(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (lines().stream().anyMatch(line -> line.text().contains(text))) {
                return true;
            }
            if (!process.isAlive()) {
                joinReaders();
                return lines().stream().anyMatch(line -> line.text().contains(text));
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** What the process wrote to stdout, line by line (a command's answer: the demo's summary). */
    String stdout() {
        return String.join("\n", lines().stream().filter(Line::stdout).map(Line::text).toList());
    }

    /** The last {@code count} lines, both streams, for a message saying why a run failed. */
    String tail(int count) {
        List<Line> all = lines();
        return String.join("\n", all.subList(Math.max(0, all.size() - count), all.size()).stream().map(Line::text).toList());
    }

    /**
     * SIGKILL (what {@link Process#destroyForcibly} sends on Linux): no shutdown hook runs, nothing is
     * flushed or closed, a lease is not released. Waits for the process and its output; its exit code.
     */
    int kill() throws InterruptedException {
        process.toHandle().destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            return -1;
        }
        joinReaders();
        return process.exitValue();
    }

    /**
     * Asks the process to stop (SIGTERM) and waits for it and its output; the exit code, or -1 if it
     * would not stop. A process still running after 5 s has its threads dumped to {@code threadDump}
     * first: what it waits for is what a stop that hangs needs to show.
     */
    int stop(long timeoutSec, Path threadDump) throws InterruptedException, IOException {
        // Through the handle: Process.destroy() also closes this side of the pipes, and what the
        // process writes while it stops (a demo's summary) would be lost.
        process.toHandle().destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), "Thread.print").redirectErrorStream(true)
                    .redirectOutput(threadDump.toFile()).start().waitFor(30, TimeUnit.SECONDS);
        }
        return await(timeoutSec);
    }

    /** Waits for the process to end by itself; its exit code, or -1 if it had not ended in time. */
    int await(long timeoutSec) throws InterruptedException {
        if (!process.waitFor(timeoutSec, TimeUnit.SECONDS)) {
            return -1;
        }
        joinReaders();
        return process.exitValue();
    }

    private void joinReaders() throws InterruptedException {
        for (Thread reader : readers) {
            reader.join(5_000);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
