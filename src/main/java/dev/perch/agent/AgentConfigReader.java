package dev.perch.agent;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.perch.agent.scrape.MetricUnit;
import dev.perch.agent.scrape.Preset;
import dev.perch.agent.scrape.Presets;
import dev.perch.agent.scrape.Timing;
import dev.perch.model.profile.AcceleratorType;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the agent's config (YAML) strictly: a field the format does not have, a key given twice, a
 * value out of range, an app named twice is refused with the file and the field's path, so that a
 * misspelling is never read as a default. The format, with every default:
 *
 * <pre>
 * node: pi-1                       # required, unless given by agent --node (which wins)
 * intervalSec: 1                   # 1..60: windows of this length, on the wall-clock grid
 * followApps: false                # true: also carry the apps Perch places on this node (from Kafka)
 * targets:
 *   - url: http://127.0.0.1:8002/metrics
 *     preset: triton               # triton | torchserve | ovms | kserve | mlserver | custom
 *     timeoutMs: 500               # default half the interval, at most 2000; less than the interval
 *     apps:
 *       - {app: cam-1, serverModel: resnet50_onnx, model: resnet_50, accelerator: pi-1/gpu0, acceleratorType: gpu}
 *     metrics:                     # custom only
 *       modelLabel: model          # or a list of labels
 *       requests: my_requests      # a counter; optional when latency is a histogram or summary
 *       latency: {name: my_latency_seconds, type: histogram, unit: s}   # counter | histogram | summary; s | ms | us
 *       service: {name: [a_us, b_us], type: counter, unit: us}          # optional; counters may be summed
 *       queue: {name: my_queue_us, type: counter, unit: us}             # optional
 *       quantiles: {name: my_latency_summary, unit: s}                  # optional summary with quantile series
 * push:
 *   port: 9464
 *   bindAddress: 127.0.0.1
 *   maxBodyBytes: 1048576
 *   token: s3cret                  # optional
 *   graceMs: 2000
 *   apps:
 *     - {app: cam-7, model: mobilenet_v2, accelerator: pi-1/tpu0, acceleratorType: edgetpu}
 * </pre>
 *
 * {@code serverModel} defaults to {@code model}. A config needs apps unless it follows Perch's; the
 * push token may come from the environment instead ({@link Overrides}), so that it can live in a
 * Kubernetes Secret rather than in the config's ConfigMap.
 */
public final class AgentConfigReader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final Set<String> TOP = Set.of("node", "intervalSec", "followApps", "targets", "push");
    private static final Set<String> TARGET = Set.of("url", "preset", "timeoutMs", "apps", "metrics");
    private static final Set<String> SCRAPED_APP = Set.of("app", "serverModel", "model", "accelerator", "acceleratorType");
    private static final Set<String> PUSHED_APP = Set.of("app", "model", "accelerator", "acceleratorType");
    private static final Set<String> PUSH = Set.of("port", "bindAddress", "maxBodyBytes", "token", "graceMs", "apps");
    private static final Set<String> METRICS = Set.of("modelLabel", "requests", "latency", "service", "queue", "quantiles");
    private static final Set<String> TIMING = Set.of("name", "type", "unit");
    private static final Set<String> QUANTILES = Set.of("name", "unit");
    /** A scrape timeout above this is a server too slow to be asked every second anyway. */
    static final long MAX_DEFAULT_TIMEOUT_MS = 2_000;

    private AgentConfigReader() {
    }

    /**
     * What the command line and the environment set over the file: the node ({@code agent --node},
     * so that one config serves every node of a DaemonSet) and the push token
     * ({@value #PUSH_TOKEN_ENV}); each null when not given.
     */
    public record Overrides(String node, String pushToken) {
        public static final Overrides NONE = new Overrides(null, null);

        /** {@code --node}'s value, if given, and the token from the environment, if set and not blank. */
        public static Overrides of(String node, Map<String, String> environment) {
            String token = environment.get(PUSH_TOKEN_ENV);
            return new Overrides(node, token == null || token.isBlank() ? null : token.strip());
        }
    }

    /** The environment variable whose value, when set, is the push receiver's token. */
    public static final String PUSH_TOKEN_ENV = "PERCH_AGENT_PUSH_TOKEN";

    /** A target's scrape timeout unless it says otherwise: half the interval, at most {@value #MAX_DEFAULT_TIMEOUT_MS} ms. */
    public static long defaultTimeoutMs(long intervalMs) {
        return Math.min(intervalMs / 2, MAX_DEFAULT_TIMEOUT_MS);
    }

    public static AgentConfig load(Path file) {
        return load(file, Overrides.NONE);
    }

    public static AgentConfig load(Path file, Overrides overrides) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(), overrides);
        } catch (NoSuchFileException e) {
            throw new AgentConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new AgentConfigException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    public static AgentConfig parse(String yaml, String source) {
        return parse(yaml, source, Overrides.NONE);
    }

    public static AgentConfig parse(String yaml, String source, Overrides overrides) {
        ConfigFields fields = new ConfigFields(source);
        JsonNode root = tree(yaml, source);
        fields.onlyKnown(root, "", TOP);
        String node = overrides.node() != null ? overrides.node() : fields.text(root, "", "node");
        if (overrides.node() != null && fields.has(root, "node")) {
            fields.text(root, "", "node"); // still a well-formed value, though --node wins
        }
        boolean followApps = fields.flag(root, "", "followApps", false);
        int intervalSec = (int) fields.wholeNumber(root, "", "intervalSec", AgentConfig.DEFAULT_INTERVAL_SEC, 1,
                AgentConfig.MAX_INTERVAL_SEC);
        Map<String, String> appPaths = new HashMap<>();
        List<ScrapeTarget> targets = new ArrayList<>();
        List<JsonNode> targetNodes = fields.list(root, "", "targets");
        for (int i = 0; i < targetNodes.size(); i++) {
            targets.add(target(fields, targetNodes.get(i), "targets[" + i + "]", intervalSec * 1000L, appPaths));
        }
        PushSettings push = root.has("push") ? push(fields, fields.required(root, "", "push"), appPaths) : PushSettings.defaults();
        if (appPaths.isEmpty() && !followApps) {
            throw fields.error("", "no apps: give targets with apps to scrape, or push.apps, or followApps: true");
        }
        if (overrides.pushToken() != null) {
            push = new PushSettings(push.port(), push.bindAddress(), push.maxBodyBytes(), overrides.pushToken(), push.graceMs(),
                    push.apps());
        }
        return new AgentConfig(node, intervalSec, targets, push, followApps);
    }

    private static ScrapeTarget target(ConfigFields fields, JsonNode item, String path, long intervalMs,
                                       Map<String, String> appPaths) {
        fields.onlyKnown(item, path, TARGET);
        URI url = url(fields, fields.text(item, path, "url"), ConfigFields.join(path, "url"));
        String presetName = fields.text(item, path, "preset");
        Preset preset;
        if (presetName.equals(Presets.CUSTOM)) {
            preset = custom(fields, fields.required(item, path, "metrics"), ConfigFields.join(path, "metrics"));
        } else {
            preset = Presets.builtIn(presetName).orElseThrow(() -> fields.error(ConfigFields.join(path, "preset"),
                    "unknown preset '" + presetName + "' (known: " + String.join(", ", Presets.names()) + ")"));
            if (fields.has(item, "metrics")) {
                throw fields.error(ConfigFields.join(path, "metrics"), "only a custom preset takes metric names");
            }
        }
        long timeoutMs = fields.wholeNumber(item, path, "timeoutMs", defaultTimeoutMs(intervalMs), 1, intervalMs - 1);
        List<JsonNode> appNodes = fields.list(item, path, "apps");
        if (appNodes.isEmpty()) {
            throw fields.error(ConfigFields.join(path, "apps"), "a target needs at least one app");
        }
        List<ScrapedApp> apps = new ArrayList<>();
        Map<String, String> servedBy = new HashMap<>();
        for (int j = 0; j < appNodes.size(); j++) {
            String appPath = path + ".apps[" + j + "]";
            JsonNode app = appNodes.get(j);
            fields.onlyKnown(app, appPath, SCRAPED_APP);
            AppBinding binding = binding(fields, app, appPath, appPaths);
            String serverModel = fields.optionalText(app, appPath, "serverModel", binding.model());
            String other = servedBy.putIfAbsent(serverModel, binding.app());
            if (other != null) {
                throw fields.error(ConfigFields.join(appPath, "serverModel"), "'" + serverModel + "' is already app "
                        + other + "'s on this target: one server model's counters cannot be told apart between apps");
            }
            apps.add(new ScrapedApp(serverModel, binding));
        }
        return new ScrapeTarget(url, preset, timeoutMs, apps);
    }

    private static URI url(ConfigFields fields, String text, String path) {
        try {
            URI url = new URI(text);
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                throw fields.error(path, "must be an http:// or https:// URL with a host, got '" + text + "'");
            }
            return url;
        } catch (URISyntaxException e) {
            throw fields.error(path, "not a URL: " + e.getMessage());
        }
    }

    private static AppBinding binding(ConfigFields fields, JsonNode app, String path, Map<String, String> appPaths) {
        String id = fields.text(app, path, "app");
        String model = fields.text(app, path, "model");
        String accelerator = fields.text(app, path, "accelerator");
        String type = fields.text(app, path, "acceleratorType");
        if (AcceleratorType.fromId(type).isEmpty()) {
            throw fields.error(ConfigFields.join(path, "acceleratorType"), "unknown accelerator type '" + type
                    + "' (expected edgetpu, gpu or cpu)");
        }
        String first = appPaths.putIfAbsent(id, path);
        if (first != null) {
            throw fields.error(ConfigFields.join(path, "app"), "app '" + id + "' is already at " + first
                    + ": one app's telemetry must come from one place, or it is counted twice");
        }
        return new AppBinding(id, model, accelerator, type);
    }

    private static PushSettings push(ConfigFields fields, JsonNode push, Map<String, String> appPaths) {
        fields.onlyKnown(push, "push", PUSH);
        PushSettings defaults = PushSettings.defaults();
        List<AppBinding> apps = new ArrayList<>();
        List<JsonNode> appNodes = fields.list(push, "push", "apps");
        for (int i = 0; i < appNodes.size(); i++) {
            String path = "push.apps[" + i + "]";
            fields.onlyKnown(appNodes.get(i), path, PUSHED_APP);
            apps.add(binding(fields, appNodes.get(i), path, appPaths));
        }
        int port = (int) fields.wholeNumber(push, "push", "port", defaults.port(), 0, 65_535);
        String bind = fields.optionalText(push, "push", "bindAddress", defaults.bindAddress());
        int maxBody = (int) fields.wholeNumber(push, "push", "maxBodyBytes", defaults.maxBodyBytes(), 1,
                PushSettings.MAX_BODY_BYTES_LIMIT);
        String token = fields.optionalText(push, "push", "token", null);
        long graceMs = fields.wholeNumber(push, "push", "graceMs", defaults.graceMs(), 0, PushSettings.MAX_GRACE_MS);
        try {
            return new PushSettings(port, bind, maxBody, token, graceMs, apps);
        } catch (IllegalArgumentException e) {
            // PushSettings names the field first ("port: must be …"): put the section before it.
            String[] fieldAndProblem = e.getMessage().split(": ", 2);
            throw fields.error("push." + fieldAndProblem[0], fieldAndProblem.length > 1 ? fieldAndProblem[1] : "");
        }
    }

    /** A custom target's metric names, as a preset of its own. */
    private static Preset custom(ConfigFields fields, JsonNode metrics, String path) {
        fields.onlyKnown(metrics, path, METRICS);
        List<String> modelLabels = fields.texts(metrics, path, "modelLabel");
        String requests = fields.optionalText(metrics, path, "requests", null);
        Timing latency = timing(fields, fields.required(metrics, path, "latency"), ConfigFields.join(path, "latency"));
        Timing service = fields.has(metrics, "service")
                ? timing(fields, metrics.get("service"), ConfigFields.join(path, "service")) : null;
        Timing queue = fields.has(metrics, "queue")
                ? timing(fields, metrics.get("queue"), ConfigFields.join(path, "queue")) : null;
        Timing.Summary quantiles = null;
        if (fields.has(metrics, "quantiles")) {
            String at = ConfigFields.join(path, "quantiles");
            JsonNode q = metrics.get("quantiles");
            fields.onlyKnown(q, at, QUANTILES);
            quantiles = new Timing.Summary(fields.text(q, at, "name"), unit(fields, q, at));
        }
        try {
            return new Preset(Presets.CUSTOM, modelLabels, requests, Map.of(), latency, service, queue, quantiles);
        } catch (IllegalArgumentException e) {
            throw fields.error(path, e.getMessage());
        }
    }

    private static Timing timing(ConfigFields fields, JsonNode node, String path) {
        fields.onlyKnown(node, path, TIMING);
        String type = fields.text(node, path, "type");
        MetricUnit unit = unit(fields, node, path);
        List<String> names = fields.texts(node, path, "name");
        if (!type.equals("counter") && names.size() > 1) {
            throw fields.error(ConfigFields.join(path, "name"), "only counters may be summed; a " + type + " has one name");
        }
        switch (type) {
            case "counter":
                return new Timing.Counters(names, unit);
            case "histogram":
                return new Timing.Histogram(names.get(0), unit);
            case "summary":
                return new Timing.Summary(names.get(0), unit);
            default:
                throw fields.error(ConfigFields.join(path, "type"), "unknown type '" + type
                        + "' (expected counter, histogram or summary)");
        }
    }

    private static MetricUnit unit(ConfigFields fields, JsonNode node, String path) {
        String unit = fields.text(node, path, "unit");
        return MetricUnit.fromId(unit).orElseThrow(() -> fields.error(ConfigFields.join(path, "unit"),
                "unknown unit '" + unit + "' (expected s, ms or us)"));
    }

    private static JsonNode tree(String yaml, String source) {
        try {
            JsonNode root = YAML.readTree(yaml);
            if (root == null || root.isMissingNode() || root.isNull()) {
                throw new AgentConfigException(source + ": empty document");
            }
            if (!root.isObject()) {
                throw new AgentConfigException(source + ": (top level): must be a mapping with node, targets and push");
            }
            return root;
        } catch (JsonProcessingException e) {
            String reason = e.getOriginalMessage().lines().findFirst().orElse("malformed YAML");
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            throw new AgentConfigException(source + ": malformed YAML" + (line > 0 ? " at line " + line : "") + ": " + reason, e);
        }
    }
}
