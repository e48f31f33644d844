package dev.perch.agent;

import dev.perch.agent.scrape.Presets;
import dev.perch.telemetry.AppRecord;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What an agent carries of the apps Perch places on its node, from the records the controller publishes. */
class FollowedAppsTest {
    private static final Map<String, String> PI_1 = Map.of("pi-1/tpu0", "edgetpu", "pi-1/gpu0", "gpu");

    private static AppRecord record(String app, String model, String node, String accelerator, AppRecord.Telemetry telemetry) {
        return new AppRecord(AppRecord.SCHEMA, app, model, 10, 100, "mean", 60, node, accelerator, null, 0, telemetry);
    }

    private static AppRecord.Telemetry scrape(String preset, int port, String serverModel, String podIp) {
        return AppRecord.Telemetry.scraped(new AppRecord.Scrape(preset, port, "/metrics", serverModel, podIp));
    }

    @Test
    void carriesTheAppsOfItsNodeThatStateHowAndSaysWhyItWaitsForTheOthers() {
        List<AppRecord> records = List.of(
                record("cam-1", "resnet_50", "pi-1", "pi-1/gpu0", scrape("triton", 8002, "resnet50_onnx", "10.1.0.7")),
                record("cam-2", "resnet_18", "pi-1", "pi-1/gpu0", scrape("triton", 8002, "resnet18", "10.1.0.7")),
                record("cam-3", "efficientnet-S", "pi-1", "pi-1/tpu0", AppRecord.Telemetry.pushed()),
                record("cam-4", "mobilenet_v2", "pi-2", "pi-2/tpu0", AppRecord.Telemetry.pushed()),
                record("cam-5", "googlenet", "pi-1", "pi-1/gpu0", null),
                record("cam-6", "googlenet", "pi-1", null, AppRecord.Telemetry.pushed()),
                record("cam-7", "resnet_50", "pi-1", "pi-1/gpu0", scrape("torchserve", 8082, "r50", null)),
                record("cam-8", "mobilenet_v2", "pi-1", "pi-1/tpu1", AppRecord.Telemetry.pushed()),
                record("cam-9", "resnet_50", "pi-1", "pi-1/gpu0", scrape("triton", 8002, "resnet50_onnx", "10.1.0.7")),
                record("cam-10", "resnet_50", "pi-1", "pi-1/gpu0", scrape("prometheus", 9090, "r50", "10.1.0.9")));

        FollowedApps followed = FollowedApps.on("pi-1", PI_1, records, 500);

        assertEquals(List.of(new ScrapeTarget(URI.create("http://10.1.0.7:8002/metrics"), Presets.TRITON, 500, List.of(
                new ScrapedApp("resnet50_onnx", new AppBinding("cam-1", "resnet_50", "pi-1/gpu0", "gpu")),
                new ScrapedApp("resnet18", new AppBinding("cam-2", "resnet_18", "pi-1/gpu0", "gpu"))))),
                followed.targets(), "two apps of one server share its target");
        assertEquals(List.of(new AppBinding("cam-3", "efficientnet-S", "pi-1/tpu0", "edgetpu")), followed.push());
        assertEquals(Map.of(
                "cam-7", "its pod on pi-1/gpu0 has no IP yet",
                "cam-8", "accelerator pi-1/tpu1 is not in the node's inventory yet",
                "cam-9", "another app reads server model 'resnet50_onnx' at http://10.1.0.7:8002/metrics: their counters cannot"
                        + " be told apart",
                "cam-10", "unknown preset 'prometheus'"), followed.waiting(),
                "cam-4 runs elsewhere, cam-5 publishes its own telemetry and cam-6 is not placed: none of this agent's business");
        assertEquals(3, followed.carried());
    }

    @Test
    void theConfigsOwnAppsComeFirstAndAreNeverCarriedTwice() {
        AppBinding fixedCam1 = new AppBinding("cam-1", "resnet_50", "pi-1/gpu0", "gpu");
        ScrapeTarget fixedTarget = new ScrapeTarget(URI.create("http://127.0.0.1:8002/metrics"), Presets.TRITON, 500,
                List.of(new ScrapedApp("r50", fixedCam1)));
        AppBinding fixedCam7 = new AppBinding("cam-7", "mobilenet_v2", "pi-1/tpu0", "edgetpu");
        AgentConfig config = new AgentConfig("pi-1", 1, List.of(fixedTarget), new PushSettings(0, "127.0.0.1", 1024, null, 2000,
                List.of(fixedCam7)), true);
        FollowedApps followed = FollowedApps.on("pi-1", PI_1, List.of(
                record("cam-1", "resnet_50", "pi-1", "pi-1/gpu0", scrape("triton", 8002, "resnet50_onnx", "10.1.0.7")),
                record("cam-2", "resnet_18", "pi-1", "pi-1/gpu0", scrape("triton", 8002, "resnet18", "10.1.0.7")),
                record("cam-7", "mobilenet_v2", "pi-1", "pi-1/tpu0", AppRecord.Telemetry.pushed()),
                record("cam-3", "efficientnet-S", "pi-1", "pi-1/tpu0", AppRecord.Telemetry.pushed())), 500);

        FollowedApps carried = followed.over(config);

        assertEquals(List.of(fixedTarget, new ScrapeTarget(URI.create("http://10.1.0.7:8002/metrics"), Presets.TRITON, 500,
                List.of(new ScrapedApp("resnet18", new AppBinding("cam-2", "resnet_18", "pi-1/gpu0", "gpu"))))), carried.targets());
        assertEquals(List.of(fixedCam7, new AppBinding("cam-3", "efficientnet-S", "pi-1/tpu0", "edgetpu")), carried.push());
    }
}
