package dev.perch.api;

import dev.perch.controller.Reconciler;
import dev.perch.controller.history.LiveHistory;
import dev.perch.runtime.ControllerInbox;
import dev.perch.runtime.EmbeddedKafkaResource;
import dev.perch.telemetry.AlertRecord;
import dev.perch.telemetry.Confidence;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.PredictionRecord;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The history endpoints over HTTP, on the whole application with the default scenario's simulated cluster. */
@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaResource.class)
class HistoryApiTest {
    @Inject
    LiveHistory history;
    @Inject
    ControllerInbox inbox;
    @Inject
    Reconciler reconciler;
    @Inject
    Clock clock;

    private static PredictionRecord window(String accelerator, long windowEndMs, double utilization, String app,
                                           double meanMs) {
        var entry = PredictionRecord.AppPrediction.builder().app(app).model("mobilenet_v2").ratePerSec(6.5)
                .meanMs(meanMs).p95Ms(meanMs * 3).forecast(new PredictionRecord.Forecast(30, 8.0, meanMs + 5, null, null, null))
                .observedMeanMs(meanMs - 1).sloMs(100.0).sloStatistic("mean")
                // The mean ± 1.96 × 0.51 = ± 1.0 (to three decimals).
                .confidence(new Confidence(null, null, null, new Confidence.Latency(0.51, null, null))).build();
        return new PredictionRecord(PredictionRecord.SCHEMA, accelerator, "edgetpu", accelerator.split("/")[0],
                windowEndMs - 1000, windowEndMs, utilization, true, null, List.of(entry));
    }

    @Test
    void anAppsHistoryHoldsItsPointsWithinTheSpanOldestFirst() {
        long now = clock.millis();
        history.record(window("ghost-node/tpu9", now - 11 * 60_000, 0.2, "ghost-app", 11));
        history.record(window("ghost-node/tpu9", now - 5 * 60_000, 0.5, "ghost-app", 5));
        history.record(window("ghost-node/tpu9", now, 0.7, "ghost-app", 1));

        JsonPath tenMinutes = given().get("/api/v1/apps/ghost-app/history").then().statusCode(200).extract().jsonPath();
        assertEquals("ghost-app", tenMinutes.getString("app"));
        assertEquals(List.of(now - 5 * 60_000, now), tenMinutes.getList("points.atMs", Long.class), "the default span is 10 minutes");
        assertEquals(Map.of("atMs", now - 5 * 60_000, "predictedMs", 5.0f, "predictedLow95Ms", 4.0f, "predictedHigh95Ms", 6.0f,
                "forecastMs", 10.0f, "observedMs", 4.0f, "ratePerSec", 6.5f, "accelerator", "ghost-node/tpu9"),
                tenMinutes.getMap("points[0]"));
        assertNull(tenMinutes.get("sloMs"), "the cluster has no such app: no SLO to show");

        JsonPath twelve = given().get("/api/v1/apps/ghost-app/history?minutes=12").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(now - 11 * 60_000, now - 5 * 60_000, now), twelve.getList("points.atMs", Long.class));
        JsonPath one = given().get("/api/v1/apps/ghost-app/history?minutes=1").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(now), one.getList("points.atMs", Long.class));

        JsonPath accelerator = given().get("/api/v1/accelerators/ghost-node/tpu9/history?minutes=60").then().statusCode(200)
                .extract().jsonPath();
        assertEquals("ghost-node/tpu9", accelerator.getString("accelerator"));
        assertEquals(List.of(0.2f, 0.5f, 0.7f), accelerator.getList("points.utilization"));
        assertEquals(List.of(true, true, true), accelerator.getList("points.stable"));
    }

    @Test
    void anAppOfTheClusterCarriesItsSloAndAnAcceleratorItsType() {
        JsonPath app = given().get("/api/v1/apps/cam-1/history").then().statusCode(200).extract().jsonPath();
        // The default scenario: cam-1, mobilenet_v2, 120 ms on the mean over the default 60 s window.
        assertEquals(120.0f, app.getFloat("sloMs"));
        assertEquals("mean", app.getString("sloStatistic"));
        assertEquals(60, app.getInt("sloWindowSec"));
        assertTrue(app.getList("points") != null && app.getList("events") != null);

        given().get("/api/v1/accelerators/pi-1/tpu0/history").then().statusCode(200)
                .body("accelerator", equalTo("pi-1/tpu0")).body("type", equalTo("edgetpu"));
    }

    @Test
    void aRealAlertAndTheControllersDecisionsAreTheAppsEvents() {
        long now = clock.millis();
        AlertRecord resolved = new AlertRecord(AlertRecord.SCHEMA, "history-test-1", AlertRecord.RESOLVED, "cam-2",
                "pi-1/tpu0", "pi-1", 400, "mean", 80.0, null, null, 82.0, now - 1000, "back within its SLO (history test)");
        inbox.onAlert(Message.of(Json.write(resolved)));
        JsonPath cam2 = given().get("/api/v1/apps/cam-2/history").then().statusCode(200).extract().jsonPath();
        assertTrue(containsEvent(cam2, now - 1000, "resolved", "back within its SLO (history test)"), cam2.prettify());

        reconciler.pass();
        JsonPath decisions = given().get("/api/v1/decisions?limit=200").then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> recent = decisions.getList("$");
        assertFalse(recent.isEmpty(), "the default scenario's first pass places its apps");
        int checked = 0;
        for (Map<String, Object> decision : recent) {
            long atMs = ((Number) decision.get("atMs")).longValue();
            if (atMs < now - 10 * 60_000) {
                continue;
            }
            String app = (String) decision.get("app");
            JsonPath its = given().get("/api/v1/apps/" + app + "/history").then().statusCode(200).extract().jsonPath();
            String detail = (decision.get("from") == null ? "nowhere" : decision.get("from")) + " → "
                    + (decision.get("to") == null ? "nowhere" : decision.get("to")) + " ["
                    + (decision.get("result") == null ? "no action" : decision.get("result"))
                    + (Boolean.TRUE.equals(decision.get("dryRun")) ? ", dry run" : "") + "]: " + decision.get("reason");
            assertTrue(containsEvent(its, atMs, (String) decision.get("action"), detail), app + ": " + its.prettify());
            checked++;
        }
        assertTrue(checked > 0, "no decision within the span to look for: " + recent);
    }

    private static boolean containsEvent(JsonPath history, long atMs, String kind, String detail) {
        List<Map<String, Object>> events = history.getList("events");
        return events.stream().anyMatch(e -> ((Number) e.get("atMs")).longValue() == atMs && kind.equals(e.get("kind"))
                && detail.equals(e.get("detail")));
    }

    @Test
    void badMinutesAre400AndUnknownIds404() {
        for (String minutes : List.of("0", "61", "x", "2.5", "-1")) {
            given().get("/api/v1/apps/cam-1/history?minutes=" + minutes).then().statusCode(400)
                    .body("error", equalTo("minutes must be a whole number from 1 to 60, got '" + minutes + "'"));
            given().get("/api/v1/accelerators/pi-1/tpu0/history?minutes=" + minutes).then().statusCode(400);
        }
        given().get("/api/v1/apps/cam-1/history?minutes=60").then().statusCode(200);
        given().get("/api/v1/apps/nobody/history").then().statusCode(404).body("error", equalTo("no app 'nobody'"));
        given().get("/api/v1/accelerators/pi-1/tpu7/history").then().statusCode(404)
                .body("error", equalTo("no accelerator 'pi-1/tpu7'"));
    }
}
