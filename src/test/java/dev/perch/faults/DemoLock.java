package dev.perch.faults;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Holds {@code /tmp/demo.lock} — the lock every {@code demo} on this machine runs under, as it binds
 * 127.0.0.1:9092 — while a fault runs the packaged demo. The lock is taken by {@code flock(1)} in a
 * child process (Java's own file locks are fcntl locks, which {@code flock} does not see); the child
 * holds it until its stdin closes, so it is released when this closes or when this JVM dies.
 */
final class DemoLock implements AutoCloseable {
    static final String PATH = "/tmp/demo.lock";
    private final Process holder;

    private DemoLock(Process holder) {
        this.holder = holder;
    }

    /** Waits for the lock (another demo may hold it for minutes) and holds it. */
    static DemoLock acquire(String who) throws IOException {
        System.err.println("faults: " + who + ": waiting for " + PATH);
        Process holder = new ProcessBuilder("flock", PATH, "sh", "-c", "echo held; exec cat > /dev/null")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (!"held".equals(line)) {
            holder.destroyForcibly();
            throw new IllegalStateException("flock " + PATH + " did not take the lock (said " + line + ")");
        }
        return new DemoLock(holder);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        holder.getOutputStream().close();
        if (!holder.waitFor(10, TimeUnit.SECONDS)) {
            holder.destroyForcibly();
        }
    }
}
