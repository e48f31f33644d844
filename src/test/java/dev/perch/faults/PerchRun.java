package dev.perch.faults;

import dev.perch.FreePort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One controller replica as users run it outside a cluster: {@code java -jar JAR run --namespace NS
 * --state-dir DIR}, pointed at the harness's API server by a kubeconfig ({@code KUBECONFIG}, as
 * docs/kubernetes.md tells users) and at its broker by {@code KAFKA_BOOTSTRAP_SERVERS}, on a free
 * HTTP port, its output in {@code IDENTITY.log} of the working directory.
 */
final class PerchRun implements AutoCloseable {
    private final String identity;
    private final Process process;
    private final Path log;

    private PerchRun(String identity, Process process, Path log) {
        this.identity = identity;
        this.process = process;
        this.log = log;
    }

    /** Starts the replica {@code identity}; {@code settings} are further {@code -D} system properties. */
    static PerchRun start(Path jar, Path workDir, String identity, String apiServerUrl, String bootstrapServers,
                          Map<String, String> settings) throws IOException {
        Path stateDir = workDir.resolve(identity + "-state");
        Files.createDirectories(stateDir);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Dquarkus.http.port=" + FreePort.pick(),
                "-Dperch.kubernetes.identity=" + identity));
        settings.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString(), "run", "--namespace", MockCluster.NS, "--state-dir", stateDir.toString()));
        Path log = workDir.resolve(identity + ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        builder.environment().put("KUBECONFIG", kubeconfig(workDir, apiServerUrl).toString());
        builder.environment().remove("KUBERNETES_MASTER");
        return new PerchRun(identity, builder.start(), log);
    }

    private static Path kubeconfig(Path workDir, String apiServerUrl) throws IOException {
        Path file = workDir.resolve("kubeconfig");
        Files.writeString(file, String.join("\n", "apiVersion: v1", "kind: Config", "clusters:", "- name: mock",
                "  cluster:", "    server: " + apiServerUrl, "contexts:", "- name: mock", "  context:", "    cluster: mock",
                "    user: fault-suite", "    namespace: " + MockCluster.NS, "current-context: mock", "users:",
                "- name: fault-suite", "  user:", "    token: fault-suite", ""));
        return file;
    }

    String identity() {
        return identity;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook runs, the lease is not released. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
