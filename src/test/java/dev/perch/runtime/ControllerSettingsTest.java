package dev.perch.runtime;

import dev.perch.controller.ControllerSettings;
import dev.perch.controller.ProbationSettings;
import dev.perch.streams.IdleClose;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code evaluate} measures the controller with {@link ControllerSettings#DEFAULT}; {@code run} and
 * {@code demo} build it from configuration. Both must be the same controller when nothing is
 * configured, or the published figures stop describing what users run.
 */
class ControllerSettingsTest {
    private static PerchConfig config(Map<String, String> overrides) throws IOException {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(ControllerSettingsTest.class.getResource("/application.properties"), 100))
                .withSources(new PropertiesConfigSource(overrides, "test", 400))
                .withMapping(PerchConfig.class).build();
        return config.getConfigMapping(PerchConfig.class);
    }

    @Test
    void theConfiguredControllerWithNothingSetIsTheOneEvaluateMeasures() throws IOException {
        assertEquals(ControllerSettings.DEFAULT, ControllerProducers.settings(config(Map.of())));
        assertEquals(ProbationSettings.DEFAULT, ControllerProducers.probation(config(Map.of())));
        assertEquals(new ProbationSettings(0.1, 50, java.time.Duration.ofSeconds(90), true), ControllerProducers.probation(
                config(Map.of("perch.probation.precision", "0.1", "perch.probation.min-requests", "50",
                        "perch.probation.longest-sec", "90", "perch.probation.share-when-none-idle", "true"))));
        assertEquals(dev.perch.cli.EvaluateCommandAccess.moveSec(), config(Map.of()).moveSec(),
                "evaluate's simulated moves take as long as the demo's");
    }

    @Test
    void onlyAReplayWaitsForTheWholeInputBeforeClosingAWindowItsReportsLeftOpen() throws IOException {
        assertTrue(ControllerProducers.idleClose(config(Map.of("perch.mode", "replay"))) instanceof IdleClose.AtEndOfInput);
        for (String mode : java.util.List.of("demo", "service", "run")) {
            assertEquals(IdleClose.LIVE, ControllerProducers.idleClose(config(Map.of("perch.mode", mode))), mode);
        }
    }

    @Test
    void eachSettingReachesTheController() throws IOException {
        ControllerSettings set = ControllerProducers.settings(config(Map.of("perch.policy", "reactive",
                "perch.cooldown-sec", "12.5", "perch.guards.dry-run", "true", "perch.guards.moves-per-node", "4",
                "perch.consolidation.enabled", "true", "perch.admission.max-share-of-edge-tpu-left", "0.5",
                "perch.placement.window-compliance", "0.995", "perch.consolidation.window-compliance", "0.9995")));
        assertEquals(dev.perch.controller.Policy.REACTIVE, set.policy());
        assertEquals(12_500, set.cooldown().toMillis());
        assertEquals(true, set.dryRun());
        assertEquals(4, set.guards().movesPerNode());
        assertEquals(true, set.consolidation().enabled());
        assertEquals(0.5, set.placement().maxShareOfEdgeTpuLeft());
        assertEquals(0.995, set.placement().windowCompliance());
        assertEquals(0.9995, set.consolidation().windowCompliance());
    }
}
