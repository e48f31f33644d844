package dev.perch.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboards ({@code dashboards/}) and the alert rules ({@code deploy/monitoring/}) read only
 * metrics Perch exports ({@link SloMetrics#NAMES}), every exported metric is shown or alerted on
 * somewhere, and each panel and rule is complete enough for an operator to read.
 */
class MonitoringContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern METRIC = Pattern.compile("\\bperch_[a-z0-9_]+");

    private static List<Path> dashboards() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("dashboards"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    private static List<JsonNode> rules() throws IOException {
        JsonNode rule = YAML.readTree(Path.of("deploy/monitoring/prometheusrule.yaml").toFile());
        assertEquals("PrometheusRule", rule.get("kind").asText());
        List<JsonNode> result = new ArrayList<>();
        rule.get("spec").get("groups").forEach(group -> group.get("rules").forEach(result::add));
        return result;
    }

    private static Set<String> metricsIn(String expr) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(expr);
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }

    /** Brackets, braces and parentheses close in order; quotes are skipped over. */
    private static boolean balanced(String expr) {
        StringBuilder open = new StringBuilder();
        boolean quoted = false;
        for (char c : expr.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && "([{".indexOf(c) >= 0) {
                open.append(c);
            } else if (!quoted && ")]}".indexOf(c) >= 0) {
                if (open.isEmpty() || "([{".indexOf(open.charAt(open.length() - 1)) != ")]}".indexOf(c)) {
                    return false;
                }
                open.setLength(open.length() - 1);
            }
        }
        return open.isEmpty() && !quoted;
    }

    @Test
    void everyDashboardPanelIsTitledDescribedAndQueriesOnlyPerchMetrics() throws IOException {
        List<Path> files = dashboards();
        assertFalse(files.isEmpty(), "no dashboard in dashboards/");
        for (Path file : files) {
            JsonNode dashboard = JSON.readTree(file.toFile());
            assertFalse(dashboard.path("title").asText().isBlank(), file + ": title");
            assertFalse(dashboard.path("uid").asText().isBlank(), file + ": uid");
            for (JsonNode panel : dashboard.get("panels")) {
                String where = file + " panel '" + panel.path("title").asText() + "'";
                assertFalse(panel.path("title").asText().isBlank(), where + ": title");
                assertFalse(panel.path("description").asText().isBlank(), where + ": description");
                JsonNode grid = panel.get("gridPos");
                assertTrue(grid.get("x").asInt() + grid.get("w").asInt() <= 24, where + ": wider than the grid");
                assertFalse(panel.get("targets").isEmpty(), where + ": no query");
                Set<String> refIds = new HashSet<>();
                for (JsonNode target : panel.get("targets")) {
                    String expr = target.path("expr").asText();
                    assertFalse(expr.isBlank(), where + ": empty query");
                    assertTrue(balanced(expr), where + ": unbalanced " + expr);
                    assertTrue(refIds.add(target.get("refId").asText()), where + ": refId twice");
                    assertTrue(SloMetrics.NAMES.containsAll(metricsIn(expr)), where + " queries a metric Perch does not export: "
                            + expr + " (exported: " + SloMetrics.NAMES + ")");
                }
            }
        }
    }

    @Test
    void everyAlertRuleSaysHowBadWhatAndUsesOnlyPerchMetrics() throws IOException {
        List<JsonNode> rules = rules();
        assertFalse(rules.isEmpty());
        for (JsonNode rule : rules) {
            String name = rule.path("alert").asText();
            assertTrue(name.matches("Perch[A-Z][A-Za-z]+"), "alert name " + name);
            String expr = rule.get("expr").asText();
            assertTrue(balanced(expr), name + ": unbalanced " + expr);
            assertFalse(metricsIn(expr).isEmpty(), name + ": reads no Perch metric");
            assertTrue(SloMetrics.NAMES.containsAll(metricsIn(expr)), name + " reads a metric Perch does not export: " + expr);
            assertTrue(rule.path("for").asText().matches("\\d+[smh]"), name + ": for");
            assertTrue(Set.of("warning", "critical").contains(rule.path("labels").path("severity").asText()), name + ": severity");
            assertFalse(rule.path("annotations").path("summary").asText().isBlank(), name + ": summary");
            assertFalse(rule.path("annotations").path("description").asText().isBlank(), name + ": description");
        }
    }

    /**
     * Every alert has a unit test that promtool runs ({@code deploy/monitoring/check-rules.sh}: it
     * fires when, and only when, it should), and the tests name no alert that does not exist; here
     * without promtool, only that the two lists agree.
     */
    @Test
    void everyAlertHasAPromtoolUnitTest() throws IOException {
        Set<String> alerts = new TreeSet<>();
        rules().forEach(rule -> alerts.add(rule.get("alert").asText()));
        JsonNode tests = YAML.readTree(Path.of("deploy/monitoring/tests/perch-rules.test.yaml").toFile());
        Set<String> tested = new TreeSet<>();
        tests.get("tests").forEach(test -> test.get("alert_rule_test").forEach(check -> tested.add(check.get("alertname").asText())));
        assertEquals(alerts, tested);
    }

    @Test
    void everyExportedMetricIsShownOrAlertedOn() throws IOException {
        Set<String> used = new TreeSet<>();
        for (Path file : dashboards()) {
            used.addAll(metricsIn(Files.readString(file)));
        }
        for (JsonNode rule : rules()) {
            used.addAll(metricsIn(rule.get("expr").asText()));
        }
        Set<String> unused = new TreeSet<>(SloMetrics.NAMES);
        unused.removeAll(used);
        assertEquals(Set.of(), unused, "exported but on no dashboard and in no rule");
    }

    @Test
    void thePodMonitorScrapesTheControllersPods() throws IOException {
        JsonNode kustomization = YAML.readTree(Path.of("deploy/monitoring/kustomization.yaml").toFile());
        kustomization.get("resources").forEach(r -> assertTrue(Files.exists(Path.of("deploy/monitoring", r.asText())), r.asText()));
        JsonNode monitor = YAML.readTree(Path.of("deploy/monitoring/podmonitor.yaml").toFile());
        JsonNode deployment = YAML.readTree(Path.of("deploy/base/deployment.yaml").toFile());
        JsonNode podLabels = deployment.get("spec").get("template").get("metadata").get("labels");
        monitor.get("spec").get("selector").get("matchLabels").fields()
                .forEachRemaining(e -> assertEquals(e.getValue().asText(), podLabels.path(e.getKey()).asText(), e.getKey()));
        Set<String> ports = new HashSet<>();
        deployment.get("spec").get("template").get("spec").get("containers").forEach(c -> c.path("ports")
                .forEach(p -> ports.add(p.path("name").asText())));
        for (JsonNode endpoint : monitor.get("spec").get("podMetricsEndpoints")) {
            assertTrue(ports.contains(endpoint.get("port").asText()), "port " + endpoint.get("port") + " among " + ports);
            assertEquals("/q/metrics", endpoint.get("path").asText());
        }
    }
}
