package dev.perch.runtime;

import dev.perch.model.profile.ScenarioReader;
import dev.perch.streams.PerchTopology;
import dev.perch.streams.TopologySettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The store gauges cover every store the committed topology description names, global tables included. */
class TopologyStoreGaugesTest {
    @Test
    void oneGaugePerStoreOfTheTopology() throws Exception {
        Set<String> committed = new TreeSet<>();
        Matcher stores = Pattern.compile("\\(stores: \\[([^\\]]*)]\\)").matcher(Files.readString(Path.of("topology/topology.txt")));
        while (stores.find()) {
            Arrays.stream(stores.group(1).split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(committed::add);
        }
        assertFalse(committed.isEmpty());
        assertEquals(committed, TopologyStoreGauges.storeNames(
                PerchTopology.build(TopologySettings.defaults(ScenarioReader.defaultCatalog())).describe()));
    }
}
