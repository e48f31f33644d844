package dev.perch.api;

import dev.perch.runtime.EmbeddedKafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every script and stylesheet the live page names is served by the application itself (the page
 * works with no network beyond Perch), and uPlot's URLs carry no version: the pom's WebJar version is
 * the only one, mapped by the web dependency locator.
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaResource.class)
class LivePageAssetsTest {
    private static final Pattern ASSET = Pattern.compile("<(?:script|link)[^>]*\\s(?:src|href)=\"([^\"]+)\"");

    @Test
    void everyAssetThePageNamesIsServedFromPerch() {
        String page = given().get("/").then().statusCode(200).extract().asString();
        List<String> assets = new ArrayList<>();
        Matcher matcher = ASSET.matcher(page);
        while (matcher.find()) {
            if (!matcher.group(1).startsWith("data:")) {
                assets.add(matcher.group(1));
            }
        }
        assertTrue(assets.contains("webjars/uplot/dist/uPlot.iife.min.js"), assets.toString());
        assertTrue(assets.contains("webjars/uplot/dist/uPlot.min.css"), assets.toString());
        assertTrue(assets.contains("charts.js"), assets.toString());
        for (String asset : assets) {
            assertFalse(asset.contains("://") || asset.startsWith("//"), "fetched from elsewhere: " + asset);
            assertFalse(asset.matches(".*/\\d+\\.\\d+\\.\\d+/.*"), "a version in the page, besides the pom's: " + asset);
            String body = given().get("/" + asset).then().statusCode(200).extract().asString();
            assertTrue(body.length() > 1000, asset + " is served empty");
        }
        assertTrue(given().get("/webjars/uplot/dist/uPlot.iife.min.js").asString().contains("uPlot"));
    }
}
