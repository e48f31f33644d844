package dev.perch.cli;

import dev.perch.telemetry.Samples;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.AppSpec;
import dev.perch.model.profile.SloStatistic;
import dev.perch.model.queueing.AcceleratorPrediction;
import dev.perch.model.queueing.AppLatency;
import dev.perch.model.queueing.AppLoad;
import dev.perch.model.queueing.EndToEnd;
import dev.perch.model.queueing.LatencyModels;
import dev.perch.placement.PlacementPolicy;
import dev.perch.telemetry.Json;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * {@code predict}: latency predictions for a snapshot of accelerators and their apps, as JSON. Input
 * errors are {@link UsageException}s naming the field ({@code accelerators[0].apps[1].ratePerSec}).
 * A field the snapshot format does not have is refused, as scenario files refuse theirs: a
 * misspelt optional field ({@code swapms}) would otherwise be read as absent, and the prediction
 * answered without it.
 */
public final class PredictCommand {
    private static final Set<String> SNAPSHOT_FIELDS = Set.of("accelerators");
    private static final Set<String> ACCELERATOR_FIELDS = Set.of("id", "acceleratorType", "networkMs", "frontendServiceMs",
            "frontendCv", "apps");
    private static final Set<String> APP_FIELDS = Set.of("app", "model", "ratePerSec", "serviceMs", "swapMs", "serviceCv",
            "sloMs", "sloStatistic", "sloWindowSec");

    private PredictCommand() {
    }

    public static String predict(String input) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(input);
        } catch (JsonProcessingException e) {
            throw new UsageException("malformed JSON: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        }
        if (root == null || !root.isObject() || !root.path("accelerators").isArray()) {
            throw new UsageException("input must be an object with an 'accelerators' list");
        }
        refuseUnknownFields(root, "", SNAPSHOT_FIELDS);
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode accelerators = out.putArray("accelerators");
        JsonNode list = root.get("accelerators");
        for (int a = 0; a < list.size(); a++) {
            accelerators.add(accelerator(list.get(a), "accelerators[" + a + "]"));
        }
        return Json.write(out);
    }

    private static ObjectNode accelerator(JsonNode node, String path) {
        refuseUnknownFields(node, path + ".", ACCELERATOR_FIELDS);
        String id = text(node, path, "id");
        AcceleratorType type;
        try {
            type = AcceleratorType.parse(text(node, path, "acceleratorType"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(path + ".acceleratorType: " + e.getMessage());
        }
        EndToEnd endToEnd = new EndToEnd(number(node, path, "networkMs", 0.0, true),
                number(node, path, "frontendServiceMs", 0.0, true), number(node, path, "frontendCv", 0.0, true));
        if (!node.path("apps").isArray()) {
            throw new UsageException(path + ".apps: required, a list");
        }
        List<AppLoad> loads = new ArrayList<>();
        List<Double> slos = new ArrayList<>();
        List<SloStatistic> statistics = new ArrayList<>();
        List<Integer> windows = new ArrayList<>();
        JsonNode apps = node.get("apps");
        for (int i = 0; i < apps.size(); i++) {
            String appPath = path + ".apps[" + i + "]";
            JsonNode app = apps.get(i);
            refuseUnknownFields(app, appPath + ".", APP_FIELDS);
            String name = text(app, appPath, "app");
            String model = app.hasNonNull("model") ? text(app, appPath, "model") : name;
            double rate = number(app, appPath, "ratePerSec", null, true);
            double service = number(app, appPath, "serviceMs", null, false);
            double swap = number(app, appPath, "swapMs", 0.0, true);
            double cv = number(app, appPath, "serviceCv", 0.0, true);
            loads.add(new AppLoad(name, model, rate, service, swap, cv));
            slos.add(app.hasNonNull("sloMs") ? number(app, appPath, "sloMs", null, false) : null);
            try {
                statistics.add(app.hasNonNull("sloStatistic") ? SloStatistic.parse(app.get("sloStatistic").asText())
                        : SloStatistic.DEFAULT);
            } catch (IllegalArgumentException e) {
                throw new UsageException(appPath + ".sloStatistic: " + e.getMessage());
            }
            windows.add(window(app, appPath));
        }
        AcceleratorPrediction prediction = LatencyModels.predict(type, loads, endToEnd);
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("id", id);
        out.put("acceleratorType", type.id());
        out.put("utilization", Samples.round(prediction.utilization()));
        out.put("stable", prediction instanceof AcceleratorPrediction.Stable);
        if (prediction instanceof AcceleratorPrediction.Unstable unstable) {
            out.put("reason", unstable.reason());
        }
        ArrayNode results = out.putArray("apps");
        for (int i = 0; i < loads.size(); i++) {
            ObjectNode result = results.addObject();
            result.put("app", loads.get(i).app());
            if (prediction instanceof AcceleratorPrediction.Stable stable) {
                AppLatency latency = stable.apps().get(i);
                result.put("meanMs", Samples.round(latency.meanMs()));
                result.put("p50Ms", Samples.round(latency.p50Ms()));
                result.put("p95Ms", Samples.round(latency.p95Ms()));
                result.put("p99Ms", Samples.round(latency.p99Ms()));
                if (slos.get(i) != null) {
                    echoSlo(result, slos.get(i), statistics.get(i), windows.get(i));
                    double shareOver = latency.window(statistics.get(i), windows.get(i)).exceedance(slos.get(i));
                    result.put("windowsOverSlo", Samples.round(shareOver));
                    result.put("sloMet", PlacementPolicy.DEFAULT.allowsWindowsOver(statistics.get(i), shareOver));
                }
            } else {
                result.putNull("meanMs");
                result.putNull("p50Ms");
                result.putNull("p95Ms");
                result.putNull("p99Ms");
                if (slos.get(i) != null) {
                    echoSlo(result, slos.get(i), statistics.get(i), windows.get(i));
                    result.put("windowsOverSlo", 1.0);
                    result.put("sloMet", false);
                }
            }
        }
        return out;
    }

    /**
     * The SLO the verdict is about, whole: a bound means nothing without its statistic and its
     * window, and the defaults filled in for absent fields are then visible.
     */
    private static void echoSlo(ObjectNode result, double sloMs, SloStatistic statistic, int windowSec) {
        result.put("sloMs", sloMs);
        result.put("sloStatistic", statistic.id());
        result.put("sloWindowSec", windowSec);
    }

    private static int window(JsonNode app, String appPath) {
        JsonNode value = app.get("sloWindowSec");
        if (value == null || value.isNull()) {
            return AppSpec.DEFAULT_SLO_WINDOW_SEC;
        }
        double seconds = value.isNumber() ? value.asDouble() : Double.NaN;
        if (!Double.isFinite(seconds) || seconds != Math.rint(seconds)
                || seconds < AppSpec.MIN_SLO_WINDOW_SEC || seconds > AppSpec.MAX_SLO_WINDOW_SEC) {
            throw new UsageException(appPath + ".sloWindowSec: must be a whole number of seconds from "
                    + AppSpec.MIN_SLO_WINDOW_SEC + " to " + AppSpec.MAX_SLO_WINDOW_SEC + ", got " + value);
        }
        return (int) seconds;
    }

    private static void refuseUnknownFields(JsonNode node, String prefix, Set<String> known) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                String meant = known.stream().filter(k -> k.equalsIgnoreCase(name)).findFirst()
                        .map(k -> " (did you mean " + k + "?)")
                        .orElse(" (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
                throw new UsageException(prefix + name + ": unknown field" + meant);
            }
        }
    }

    private static String text(JsonNode node, String path, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new UsageException(path + "." + field + ": required");
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new UsageException(path + "." + field + ": must be a non-empty string");
        }
        return value.asText();
    }

    /** A number ≥ 0 (or > 0 when {@code zeroAllowed} is false); {@code fallback} null means required. */
    private static double number(JsonNode node, String path, String field, Double fallback, boolean zeroAllowed) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (fallback == null) {
                throw new UsageException(path + "." + field + ": required");
            }
            return fallback;
        }
        if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
            throw new UsageException(path + "." + field + ": must be a finite number, got " + value);
        }
        double number = value.asDouble();
        if (zeroAllowed ? number < 0 : number <= 0) {
            throw new UsageException(path + "." + field + ": must be " + (zeroAllowed ? ">= 0" : "> 0") + ", got " + value);
        }
        return number;
    }
}
