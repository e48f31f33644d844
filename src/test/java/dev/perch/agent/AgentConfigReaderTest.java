package dev.perch.agent;

import dev.perch.agent.scrape.ExpositionParser;
import dev.perch.agent.scrape.MetricUnit;
import dev.perch.agent.scrape.Preset;
import dev.perch.agent.scrape.PresetReader;
import dev.perch.agent.scrape.Presets;
import dev.perch.agent.scrape.Reading;
import dev.perch.agent.scrape.Timing;
import dev.perch.agent.scrape.WindowFigures;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent's config: the issue's example as written, its defaults, and every refusal naming the field's path. */
class AgentConfigReaderTest {
    /** The example of issue 20, part 4. */
    static final String EXAMPLE = """
            node: pi-1
            intervalSec: 1
            targets:
              - url: http://127.0.0.1:8002/metrics
                preset: triton
                apps:
                  - {app: cam-1, serverModel: resnet50_onnx, model: resnet_50, accelerator: pi-1/gpu0, acceleratorType: gpu}
            push:
              port: 9464
              apps:
                - {app: cam-7, model: mobilenet_v2, accelerator: pi-1/tpu0, acceleratorType: edgetpu}
            """;

    private static String refusal(String yaml) {
        return assertThrows(AgentConfigException.class, () -> AgentConfigReader.parse(yaml, "agent.yaml")).getMessage();
    }

    @Test
    void readsTheIssuesExampleWithItsDefaults() {
        AgentConfig config = AgentConfigReader.parse(EXAMPLE, "agent.yaml");
        assertEquals("pi-1", config.node());
        assertEquals(1, config.intervalSec());
        ScrapeTarget target = config.targets().get(0);
        assertEquals(URI.create("http://127.0.0.1:8002/metrics"), target.url());
        assertEquals(Presets.TRITON, target.preset());
        assertEquals(500, target.timeoutMs(), "half the interval");
        assertEquals(List.of(new ScrapedApp("resnet50_onnx", new AppBinding("cam-1", "resnet_50", "pi-1/gpu0", "gpu"))),
                target.apps());
        PushSettings push = config.push();
        assertEquals(9464, push.port());
        assertEquals("127.0.0.1", push.bindAddress(), "bound to the node");
        assertEquals(1 << 20, push.maxBodyBytes());
        assertNull(push.token());
        assertEquals(2_000, push.graceMs());
        assertEquals(List.of(new AppBinding("cam-7", "mobilenet_v2", "pi-1/tpu0", "edgetpu")), push.apps());
        assertEquals(List.of("cam-1", "cam-7"), config.apps().stream().map(AppBinding::app).toList());
    }

    @Test
    void theServerModelDefaultsToTheModelAndPushIsOptional() {
        AgentConfig config = AgentConfigReader.parse("""
                node: n
                intervalSec: 5
                targets:
                  - {url: "https://host:8082/metrics", preset: torchserve, timeoutMs: 4000,
                     apps: [{app: a, model: resnet_50, accelerator: n/gpu0, acceleratorType: gpu}]}
                """, "agent.yaml");
        assertEquals("resnet_50", config.targets().get(0).apps().get(0).serverModel());
        assertEquals(4000, config.targets().get(0).timeoutMs());
        assertEquals(PushSettings.defaults(), config.push());
        assertEquals(5_000, config.intervalMs());
    }

    @Test
    void aPushOnlyAgentWithEverySetting() {
        PushSettings push = AgentConfigReader.parse("""
                node: n
                push: {port: 0, bindAddress: 0.0.0.0, maxBodyBytes: 4096, token: s3cret, graceMs: 500,
                       apps: [{app: a, model: m, accelerator: n/tpu0, acceleratorType: edgetpu}]}
                """, "agent.yaml").push();
        assertEquals(new PushSettings(0, "0.0.0.0", 4096, "s3cret", 500,
                List.of(new AppBinding("a", "m", "n/tpu0", "edgetpu"))), push);
        assertEquals(-1, push.toString().indexOf("s3cret"), "the token never reaches a log");
    }

    @Test
    void refusesUnknownFieldsWithTheirPath() {
        assertEquals("agent.yaml: intervall: unknown field (known: followApps, intervalSec, node, push, targets)",
                refusal(EXAMPLE.replace("intervalSec", "intervall")));
        assertEquals("agent.yaml: targets[0].apps[0].servermodel: unknown field (known: accelerator, acceleratorType, app, model,"
                + " serverModel)", refusal(EXAMPLE.replace("serverModel", "servermodel")));
        assertEquals("agent.yaml: push.prot: unknown field (known: apps, bindAddress, graceMs, maxBodyBytes, port, token)",
                refusal(EXAMPLE.replace("port: 9464", "prot: 9464")));
        assertEquals("agent.yaml: push.apps[0].serverModel: unknown field (known: accelerator, acceleratorType, app, model)",
                refusal(EXAMPLE.replace("{app: cam-7,", "{app: cam-7, serverModel: x,")));
    }

    @Test
    void refusesBadValuesWithTheirPath() {
        assertEquals("agent.yaml: intervalSec: must be from 1 to 60, got 0", refusal(EXAMPLE.replace("intervalSec: 1", "intervalSec: 0")));
        assertEquals("agent.yaml: intervalSec: must be a whole number, got '1.5'",
                refusal(EXAMPLE.replace("intervalSec: 1", "intervalSec: 1.5")));
        assertEquals("agent.yaml: targets[0].preset: unknown preset 'trition' (known: triton, torchserve, ovms, kserve, mlserver,"
                + " custom)", refusal(EXAMPLE.replace("preset: triton", "preset: trition")));
        assertEquals("agent.yaml: targets[0].url: must be an http:// or https:// URL with a host, got 'ftp://h/metrics'",
                refusal(EXAMPLE.replace("http://127.0.0.1:8002/metrics", "ftp://h/metrics")));
        assertEquals("agent.yaml: targets[0].timeoutMs: must be from 1 to 999, got 1000",
                refusal(EXAMPLE.replace("preset: triton", "preset: triton\n    timeoutMs: 1000")));
        assertEquals("agent.yaml: targets[0].apps[0].acceleratorType: unknown accelerator type 'tpu' (expected edgetpu, gpu or cpu)",
                refusal(EXAMPLE.replace("acceleratorType: gpu", "acceleratorType: tpu")));
        assertEquals("agent.yaml: push.port: must be from 0 to 65535, got 70000", refusal(EXAMPLE.replace("9464", "70000")));
        assertEquals("agent.yaml: push.graceMs: must be from 0 to 60000, got -1",
                refusal(EXAMPLE.replace("port: 9464", "port: 9464\n  graceMs: -1")));
        assertEquals("agent.yaml: push.token: must not be empty", refusal(EXAMPLE.replace("port: 9464", "port: 9464\n  token: ''")));
        assertEquals("agent.yaml: node: is required", refusal(EXAMPLE.replace("node: pi-1", "")));
        assertEquals("agent.yaml: targets[0].metrics: only a custom preset takes metric names",
                refusal(EXAMPLE.replace("preset: triton", "preset: triton\n    metrics: {modelLabel: m}")));
        assertEquals("agent.yaml: targets[0].apps: a target needs at least one app", refusal("""
                node: n
                targets: [{url: "http://h/metrics", preset: triton}]
                """));
    }

    @Test
    void refusesAnAppReportedTwice() {
        assertEquals("agent.yaml: push.apps[0].app: app 'cam-1' is already at targets[0].apps[0]: one app's telemetry must come"
                + " from one place, or it is counted twice", refusal(EXAMPLE.replace("app: cam-7", "app: cam-1")));
        assertEquals("agent.yaml: targets[0].apps[1].serverModel: 'resnet50_onnx' is already app cam-1's on this target: one"
                + " server model's counters cannot be told apart between apps", refusal(EXAMPLE.replace(
                "acceleratorType: gpu}", "acceleratorType: gpu}\n      - {app: cam-2, serverModel: resnet50_onnx, model: r,"
                        + " accelerator: pi-1/gpu0, acceleratorType: gpu}")));
    }

    @Test
    void refusesMalformedOrEmptyDocumentsAndDuplicateKeys() {
        assertEquals("agent.yaml: empty document", refusal(""));
        assertEquals("agent.yaml: (top level): no apps: give targets with apps to scrape, or push.apps, or followApps: true", refusal("node: n\n"));
        String duplicate = refusal(EXAMPLE.replace("intervalSec: 1", "intervalSec: 1\nintervalSec: 2"));
        assertEquals(true, duplicate.startsWith("agent.yaml: malformed YAML at line 3: Duplicate field 'intervalSec'"), duplicate);
        String malformed = refusal("node: [unclosed\n");
        assertEquals(true, malformed.startsWith("agent.yaml: malformed YAML"), malformed);
        assertEquals("agent.yaml: (top level): must be a mapping with node, targets and push", refusal("- a\n- b\n"));
    }

    private static final String CUSTOM = """
            node: n
            targets:
              - url: http://127.0.0.1:9000/metrics
                preset: custom
                metrics:
                  modelLabel: [model, model_name]
                  requests: my_requests
                  latency: {name: my_latency_seconds, type: histogram, unit: s}
                  service: {name: [load_us, run_us], type: counter, unit: us}
                  queue: {name: wait_ms, type: summary, unit: ms}
                apps:
                  - {app: a, serverModel: det, model: ssd_mobilenet_v2, accelerator: n/cpu0, acceleratorType: cpu}
            """;

    @Test
    void aCustomTargetIsAPresetOfItsOwnNames() {
        Preset preset = AgentConfigReader.parse(CUSTOM, "agent.yaml").targets().get(0).preset();
        assertEquals(new Preset("custom", List.of("model", "model_name"), "my_requests", java.util.Map.of(),
                new Timing.Histogram("my_latency_seconds", MetricUnit.SECONDS),
                new Timing.Counters(List.of("load_us", "run_us"), MetricUnit.MICROSECONDS),
                new Timing.Summary("wait_ms", MetricUnit.MILLISECONDS), null), preset);
        // and reads a page by them: 10 requests, 0.05 s, 20 000 us on the device, 15 ms waiting
        String before = """
                my_requests_total{model_name="det"} 5
                my_latency_seconds_count{model_name="det"} 5
                my_latency_seconds_sum{model_name="det"} 0.02
                my_latency_seconds_bucket{model_name="det",le="0.01"} 5
                my_latency_seconds_bucket{model_name="det",le="+Inf"} 5
                load_us_total{model_name="det"} 1000
                run_us_total{model_name="det"} 9000
                wait_ms_count{model_name="det"} 5
                wait_ms_sum{model_name="det"} 5
                """;
        String after = before.replace("} 5\n", "} 15\n").replace("0.02", "0.07").replace("1000", "3000")
                .replace("9000", "27000").replace("wait_ms_sum{model_name=\"det\"} 15", "wait_ms_sum{model_name=\"det\"} 20");
        Reading a = ((PresetReader.Result.Found) PresetReader.read(preset, ExpositionParser.parse(before), "det")).reading();
        Reading b = ((PresetReader.Result.Found) PresetReader.read(preset, ExpositionParser.parse(after), "det")).reading();
        WindowFigures w = ((WindowFigures.Result.Figures) WindowFigures.between(preset, a, b)).figures();
        assertEquals(10, w.requests());
        assertEquals(5.0, w.latency().mean(), 1e-9);
        assertEquals(2.0, w.service().mean(), 1e-9);
        assertEquals(1.5, w.queue().mean(), 1e-9);
    }

    @Test
    void refusesACustomTargetThatCannotBeRead() {
        assertEquals("agent.yaml: targets[0].metrics: latency counters carry no count: a preset with them needs a request counter",
                refusal(CUSTOM.replace("      requests: my_requests\n", "").replace("type: histogram", "type: counter")));
        assertEquals("agent.yaml: targets[0].metrics.latency.name: only counters may be summed; a histogram has one name",
                refusal(CUSTOM.replace("name: my_latency_seconds", "name: [a, b]")));
        assertEquals("agent.yaml: targets[0].metrics.queue.unit: unknown unit 'min' (expected s, ms or us)",
                refusal(CUSTOM.replace("unit: ms", "unit: min")));
        assertEquals("agent.yaml: targets[0].metrics.latency.type: unknown type 'gauge' (expected counter, histogram or summary)",
                refusal(CUSTOM.replace("type: histogram", "type: gauge")));
        assertEquals("agent.yaml: targets[0].metrics: is required", refusal("""
                node: n
                targets: [{url: "http://h/metrics", preset: custom, apps: [{app: a, model: m, accelerator: n/c, acceleratorType: cpu}]}]
                """));
    }

    @Test
    void aDaemonSetsConfigFollowsPerchWithItsNodeFromTheCommandLineAndItsTokenFromTheEnvironment() {
        String daemonSet = """
                followApps: true
                push: {port: 9464, bindAddress: 0.0.0.0}
                """;
        AgentConfig config = AgentConfigReader.parse(daemonSet, "agent.yaml",
                AgentConfigReader.Overrides.of("pi-2", Map.of(AgentConfigReader.PUSH_TOKEN_ENV, " s3cret\n")));
        assertEquals("pi-2", config.node());
        assertTrue(config.followApps());
        assertEquals(List.of(), config.apps(), "no apps of its own: Perch says which");
        assertEquals("s3cret", config.push().token());
        assertNull(AgentConfigReader.parse(daemonSet, "agent.yaml", AgentConfigReader.Overrides.of("pi-2",
                Map.of(AgentConfigReader.PUSH_TOKEN_ENV, " "))).push().token(), "a blank variable sets no token");

        assertEquals("pi-3", AgentConfigReader.parse("node: pi-1\n" + daemonSet, "agent.yaml",
                AgentConfigReader.Overrides.of("pi-3", Map.of())).node(), "--node wins over the file");
        assertEquals("agent.yaml: node: is required", refusal(daemonSet), "without --node the file must name it");
        assertEquals("agent.yaml: followApps: must be true or false, got 'yes'",
                refusal("node: pi-1\nfollowApps: \"yes\"\n"));
    }
}
