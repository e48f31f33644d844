package dev.perch.cli;

import dev.perch.telemetry.Topics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code -Dperch.kafka.telemetry-partitions}: read before Quarkus starts, so checked here, with a one-line reason. */
class TelemetryPartitionsSettingTest {
    private static final String PROPERTY = "perch.kafka.telemetry-partitions";

    @AfterEach
    void clear() {
        System.clearProperty(PROPERTY);
    }

    @Test
    void unsetGivesTheContractsDefaultAndAWholeNumberIsTaken() {
        System.clearProperty(PROPERTY);
        if (System.getenv("PERCH_KAFKA_TELEMETRY_PARTITIONS") == null) {
            assertEquals(Topics.DEFAULT_TELEMETRY_PARTITIONS, PipelineBoot.configuredTelemetryPartitions());
        }
        System.setProperty(PROPERTY, " 24 ");
        assertEquals(24, PipelineBoot.configuredTelemetryPartitions());
    }

    @Test
    void anythingElseIsBadInputNamingTheSetting() {
        for (String bad : new String[]{"0", "-3", "1001", "six", "2.5"}) {
            System.setProperty(PROPERTY, bad);
            UsageException e = assertThrows(UsageException.class, PipelineBoot::configuredTelemetryPartitions, bad);
            assertTrue(e.getMessage().equals("perch.kafka.telemetry-partitions must be a whole number from 1 to 1000, not '"
                    + bad + "'"), e.getMessage());
        }
    }
}
