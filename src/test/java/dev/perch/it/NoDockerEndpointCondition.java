package dev.perch.it;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Skips a container IT at once where no Docker engine can be: no {@code DOCKER_HOST}, no engine
 * named in {@code ~/.testcontainers.properties} ({@code docker.host}, {@code tc.host}: the strategy
 * Testcontainers writes there after a run that found an engine names none), no engine socket where
 * Docker, rootless Docker, Docker Desktop, Colima, Rancher Desktop or Podman put one, and no image asked for with
 * {@value KafkaContainers#IMAGE_PROPERTY}. Anywhere else {@code @Testcontainers(disabledWithoutDocker
 * = true)} asks the engine; asked where there is none, Testcontainers logs an ERROR of a dozen lines
 * before the skip, in every CI run here (no Docker) — this condition, registered first, skips first.
 */
final class NoDockerEndpointCondition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (System.getProperty(KafkaContainers.IMAGE_PROPERTY) != null || !blank(System.getenv("DOCKER_HOST"))
                || namesAnEngine(Path.of(System.getProperty("user.home"), ".testcontainers.properties"))) {
            return ConditionEvaluationResult.enabled("a Docker engine was named; Testcontainers asks it");
        }
        for (Path place : possibleEndpoints()) {
            if (Files.exists(place)) {
                return ConditionEvaluationResult.enabled(place + " exists; Testcontainers asks the engine");
            }
        }
        return ConditionEvaluationResult.disabled("no Docker engine: no DOCKER_HOST, no engine socket, no "
                + KafkaContainers.IMAGE_PROPERTY + " (docs/testing.md)");
    }

    private static List<Path> possibleEndpoints() {
        Path home = Path.of(System.getProperty("user.home"));
        List<Path> places = new ArrayList<>(List.of(
                Path.of("/var/run/docker.sock"), Path.of("/run/docker.sock"),
                home.resolve(".docker/run/docker.sock"), home.resolve(".docker/desktop/docker.sock"),
                home.resolve(".colima/default/docker.sock"), home.resolve(".colima/docker.sock"),
                home.resolve(".rd/docker.sock"),
                Path.of("/var/run/podman/podman.sock"), Path.of("/run/podman/podman.sock")));
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        if (!blank(runtimeDir)) {
            places.add(Path.of(runtimeDir, "docker.sock"));
            places.add(Path.of(runtimeDir, "podman/podman.sock"));
        }
        return places;
    }

    private static boolean namesAnEngine(Path properties) {
        Properties read = new Properties();
        try (Reader in = Files.newBufferedReader(properties)) {
            read.load(in);
        } catch (IOException e) {
            return false; // none, or unreadable: Testcontainers finds no engine in it either
        }
        return !blank(read.getProperty("docker.host")) || !blank(read.getProperty("tc.host"));
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
