package dev.perch.streams;

import dev.perch.ApplicationProperties;
import dev.perch.telemetry.Topics;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/upgrading.md tells operators which store formats a build writes, so that they know when a
 * rollback needs a reset: its table must name the versions the code writes, and move when they do.
 */
class UpgradingDocTest {
    private static final Path DOC = Path.of("docs/upgrading.md");

    @Test
    void theTableNamesTheFormatsTheStoresAreWrittenIn() throws IOException {
        String doc = Files.readString(DOC);
        assertEquals(StreamMarks.VERSION, documented(doc, Intake.DEDUP_STORE, "marks version (\\d+)"));
        assertEquals(AcceleratorStateSerde.VERSION, documented(doc, Assessor.STATE_STORE, "state version (\\d+)"));
        assertEquals(LogSegment.VERSION, documented(doc, Assessor.PENDING_STORE, "segment version (\\d+)"));
        assertEquals(LoggedReports.VERSION, documented(doc, Assessor.PENDING_STORE, "entries version (\\d+)"));
    }

    @Test
    void theResetNamesTheApplicationAndItsInputTopic() throws IOException {
        String doc = Files.readString(DOC);
        String applicationId = applicationProperty("quarkus.kafka-streams.application-id");
        assertTrue(doc.contains("--application-id " + applicationId + " "),
                "the reset command must name the application id, " + applicationId);
        assertTrue(doc.contains("`" + applicationId + "-<store>-changelog`"),
                "the changelogs are named after the application id, " + applicationId);
        assertTrue(doc.contains("--input-topics " + Topics.TELEMETRY + " "),
                "the reset command must name the telemetry topic, " + Topics.TELEMETRY);
    }

    private static String applicationProperty(String key) {
        String value = ApplicationProperties.load().getProperty(key);
        assertTrue(value != null, "application.properties has no " + key);
        return value;
    }

    /** The version the doc's row for {@code store} gives, by {@code pattern}. */
    private static byte documented(String doc, String store, String pattern) {
        String row = doc.lines().filter(line -> line.startsWith("| `" + store + "`")).findFirst()
                .orElseThrow(() -> new AssertionError(DOC + " has no row for the store " + store));
        Matcher version = Pattern.compile(pattern).matcher(row);
        assertTrue(version.find(), DOC + "'s row for " + store + " does not say /" + pattern + "/: " + row);
        return Byte.parseByte(version.group(1));
    }
}
