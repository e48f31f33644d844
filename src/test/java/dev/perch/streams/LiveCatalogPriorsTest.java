package dev.perch.streams;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.LatencySummary;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.TelemetryReport;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The topology's priors follow the catalog as it is now: once a profile of a model is there (learned
 * by the controller, or added by the operator), the model's apps — those already reporting and new
 * ones — start from it at the next window, without a restart. The catalog is read once per
 * prediction, not per report.
 */
class LiveCatalogPriorsTest {
    private static final ModelProfile LEARNED = new ModelProfile(42, 10, 100,
            "learned online from a on pi-1/tpu0, 600 requests, 2026-12-10");

    @Test
    void aProfileAddedToTheCatalogIsThePriorOfItsModelsAppsFromTheNextWindow() throws Exception {
        AtomicReference<ProfileCatalog> live = new AtomicReference<>(ScenarioReader.defaultCatalog());
        AtomicInteger reads = new AtomicInteger();
        List<PredictionRecord> records = new ArrayList<>();
        int reports = 0;
        try (TopologyFixture fx = new TopologyFixture(TopologySettings.defaults(() -> {
            reads.incrementAndGet();
            return live.get();
        }))) {
            for (int s = 0; s < 3; s++) {
                fx.send(withoutServiceTime("a", "fresh", "pi-1/tpu0", s));
                fx.send(withoutServiceTime("b", "mobilenet_v2", "pi-1/tpu0", s));
                reports += 2;
            }
            records.addAll(read(fx));
            for (PredictionRecord record : records) {
                PredictionRecord.AppPrediction a = app(record, "a");
                assertEquals("none", a.parameterSource(), "no profile and no service time reported: nothing models it");
                assertNull(a.serviceMs());
            }

            live.set(live.get().with("fresh", AcceleratorType.EDGETPU, LEARNED));
            List<PredictionRecord> after = new ArrayList<>();
            for (int s = 3; s < 5; s++) {
                fx.send(withoutServiceTime("a", "fresh", "pi-1/tpu0", s));
                fx.send(withoutServiceTime("b", "mobilenet_v2", "pi-1/tpu0", s));
                fx.send(withoutServiceTime("c", "fresh", "pi-2/tpu0", s));
                reports += 3;
            }
            after.addAll(read(fx));
            records.addAll(after);
            int seen = 0;
            for (PredictionRecord record : after) {
                for (String app : List.of("a", "c")) {
                    PredictionRecord.AppPrediction entry = app(record, app);
                    if (entry != null) {
                        assertEquals("catalog", entry.parameterSource(), app + " starts from the profile");
                        assertEquals(42.0, entry.serviceMs(), app);
                        assertEquals(10.0, entry.swapMs(), app);
                        seen++;
                    }
                }
            }
            assertEquals(4, seen, "a's two windows on pi-1 and c's two on pi-2");
        }
        assertEquals(records.size(), reads.get(), "the catalog read once per prediction");
        assertEquals(true, reads.get() < reports, reads + " reads for " + reports + " reports");
    }

    /** A one-second report with latencies but no time on the device: what it learns of service comes from the prior. */
    private static TelemetryReport withoutServiceTime(String app, String model, String accelerator, int second) {
        return new TelemetryReport(TelemetryReport.SCHEMA, accelerator.substring(0, accelerator.indexOf('/')), accelerator,
                "edgetpu", app, model, TopologyFixture.T0 + second * 1000L, TopologyFixture.T0 + (second + 1) * 1000L, 4,
                new LatencySummary(80.0, 70.0, 120.0, 150.0, 160.0), null, null, 0L);
    }

    private static List<PredictionRecord> read(TopologyFixture fx) {
        return fx.predictions.readValuesToList().stream().map(v -> Json.read(v, PredictionRecord.class)).toList();
    }

    private static PredictionRecord.AppPrediction app(PredictionRecord record, String app) {
        return record.apps().stream().filter(a -> a.app().equals(app)).findFirst().orElse(null);
    }
}
