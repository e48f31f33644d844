package dev.perch.streams;

import dev.perch.model.profile.ScenarioReader;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code topology/topology.txt} is what operators read; it must be what the code builds. Regenerate
 * with {@code mvn test -Dtest=TopologyDescriptionTest -Dperch.regenerate=true}.
 */
class TopologyDescriptionTest {
    @Test
    void committedDescriptionMatchesTheTopology() throws Exception {
        String described = PerchTopology.build(TopologySettings.defaults(ScenarioReader.defaultCatalog()))
                .describe().toString();
        Path file = TopologyFixture.projectRoot().resolve("topology/topology.txt");
        if (Boolean.getBoolean("perch.regenerate")) {
            Files.writeString(file, described, StandardCharsets.UTF_8);
        }
        assertEquals(described, Files.readString(file, StandardCharsets.UTF_8),
                "topology/topology.txt is stale: regenerate it (see this test's Javadoc)");
    }
}
