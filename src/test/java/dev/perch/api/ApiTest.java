package dev.perch.api;

import dev.perch.controller.Reconciler;
import dev.perch.runtime.EmbeddedKafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live view over HTTP, on the whole application with the simulated cluster and the embedded broker. */
@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaResource.class)
class ApiTest {
    @Inject
    Reconciler reconciler;

    @Test
    void theClusterAndTheLatestDecisionsAreServedAsJson() {
        reconciler.pass();
        JsonPath cluster = given().get("/api/v1/cluster").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("pi-1", "pi-2", "nano-1", "nano-2"), cluster.getList("nodes.node"));
        List<String> accelerators = cluster.getList("apps.accelerator");
        assertEquals(8, accelerators.size());
        assertTrue(accelerators.stream().allMatch(a -> a != null && a.contains("/")), accelerators.toString());
        assertTrue(cluster.getBoolean("leading"));
        assertEquals(java.util.Collections.nCopies(8, 60), cluster.getList("apps.sloWindowSec", Integer.class),
                "every app of the default scenario is judged over the default window, and says so");

        JsonPath decisions = given().get("/api/v1/decisions?limit=3").then().statusCode(200).extract().jsonPath();
        List<Long> at = decisions.getList("atMs", Long.class);
        assertFalse(at.isEmpty());
        assertTrue(at.size() <= 3);
        for (int i = 1; i < at.size(); i++) {
            assertTrue(at.get(i - 1) >= at.get(i), "newest first: " + at);
        }
    }

    @Test
    void aBadLimitIsA400WithTheReason() {
        given().get("/api/v1/decisions?limit=abc").then().statusCode(400)
                .body(containsString("limit must be a whole number from 1 to 200, got 'abc'"));
        given().get("/api/v1/decisions?limit=0").then().statusCode(400);
        given().get("/api/v1/decisions?limit=201").then().statusCode(400);
    }

    @Test
    void theClusterCanBeAskedForAPartAtRiskFirstWithTotals() {
        JsonPath whole = given().get("/api/v1/cluster").then().statusCode(200).extract().jsonPath();
        assertEquals(4, whole.getInt("totals.nodes"), "the default scenario's four nodes");
        assertEquals(8, whole.getInt("totals.apps"));
        assertEquals(8, whole.getInt("totals.matchingApps"));

        JsonPath pis = given().get("/api/v1/cluster?q=PI-&nodeLimit=1&appLimit=1000").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(1, pis.getList("nodes").size());
        assertEquals(2, pis.getInt("totals.matchingNodes"), "pi-1 and pi-2");
        assertEquals(4, pis.getInt("totals.nodes"));
        assertTrue(pis.getList("apps.accelerator", String.class).stream().allMatch(a -> a.startsWith("pi-")),
                pis.getList("apps.accelerator").toString());

        given().get("/api/v1/cluster?appLimit=0").then().statusCode(400)
                .body(containsString("appLimit must be a whole number from 1 to 1000, got '0'"));
        given().get("/api/v1/cluster?nodeOffset=-3").then().statusCode(400);
        given().get("/api/v1/cluster?nodeLimit=abc").then().statusCode(400);
    }

    @Test
    void theLivePageIsServed() {
        given().get("/").then().statusCode(200).body(containsString("Perch — live view"))
                .body(containsString("api/v1/cluster"))
                .body(containsString("ms over ${esc(app.sloWindowSec)} s"));
    }
}
