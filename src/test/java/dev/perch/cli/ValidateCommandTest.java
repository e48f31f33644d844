package dev.perch.cli;

import dev.perch.model.profile.ScenarioReader;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.RecordedRequest;
import dev.perch.telemetry.RecordingReader;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Perch's models against the real Edge TPU recording (Ibis), fed the rates the recording shows. */
class ValidateCommandTest {
    static List<RecordedRequest> ibisRecording() throws Exception {
        try (var in = new GZIPInputStream(ValidateCommandTest.class.getClassLoader()
                .getResourceAsStream("dev/perch/ibis/queuing_tpu_inception_v4Xmobilenet_v2.csv.gz"))) {
            return RecordingReader.read(in, "ibis recording", RecordingReader.Format.IBIS);
        }
    }

    @Test
    void meanAndTailAreWithinTheirTargetsOnTheSharedRecording() throws Exception {
        ValidateCommand.Report report = ValidateCommand.validate(ibisRecording(), ScenarioReader.defaultCatalog());
        System.err.println(Json.write(report));
        assertEquals(10, report.points().size(), "five load steps × two models");
        assertTrue(report.mapePercent().mean() <= 4.0, "mean MAPE " + report.mapePercent().mean());
        assertTrue(report.mapePercent().p95() <= 7.0, "p95 MAPE " + report.mapePercent().p95());
        assertTrue(report.mapePercent().mean() < report.ibisMapePercent().mean(),
                "Perch's mean beats the paper's: " + report.mapePercent().mean() + " vs " + report.ibisMapePercent().mean());
    }
}
