package dev.perch.model.profile;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads a scenario file's {@code apps} for {@link ScenarioReader}: each app's model, rate, SLO, load
 * timeline, where it runs at the start, and the accelerator types its owner built it for.
 *
 * <p>An app of a {@code profiled: false} model that names no {@code acceleratorTypes} gets the
 * types its model's entry lists: its owner built it for those, and Perch — which has no profile to
 * go by — must know where it may try the app (the simulator has figures there and nowhere else).
 */
final class ScenarioApps {
    static final Set<String> APP_FIELDS = Set.of("app", "model", "ratePerSec", "sloMs", "sloStatistic",
            "sloWindowSec", "load", "runningOn", "acceleratorTypes");

    private ScenarioApps() {
    }

    /**
     * @param accelerators the cluster's accelerators by id, with their types
     * @param catalog      what Perch knows: the profiled models
     * @param simulated    every model the simulator runs, profiled or not
     */
    static List<AppSpec> read(YamlFields fields, JsonNode root, Map<String, AcceleratorType> accelerators,
                              ProfileCatalog catalog, ProfileCatalog simulated) {
        List<AppSpec> apps = new ArrayList<>();
        Set<String> appIds = new HashSet<>();
        List<JsonNode> appItems = fields.list(root, "", "apps", true);
        for (int i = 0; i < appItems.size(); i++) {
            String path = "apps[" + i + "]";
            JsonNode item = appItems.get(i);
            fields.onlyKnown(item, path, APP_FIELDS);
            String app = fields.text(item, path, "app");
            if (!appIds.add(app)) {
                throw fields.error(path + ".app", "duplicate app '" + app + "'");
            }
            String model = fields.text(item, path, "model");
            if (!simulated.knows(model)) {
                throw fields.error(path + ".model", "unknown model '" + model + "' (not in the scenario's models)");
            }
            boolean profiled = catalog.knows(model);
            if (simulated.typesFor(model).isEmpty()) {
                throw fields.error(path + ".model", "model '" + model + "' has no " + (profiled ? "profile"
                        : "figures (the simulator runs a profiled: false model by them)") + " for any accelerator type");
            }
            double rate = fields.number(item, path, "ratePerSec", 0, true);
            double sloMs = fields.number(item, path, "sloMs", 0, false);
            SloStatistic statistic = SloStatistic.DEFAULT;
            if (item.hasNonNull("sloStatistic")) {
                try {
                    statistic = SloStatistic.parse(item.get("sloStatistic").asText());
                } catch (IllegalArgumentException e) {
                    throw fields.error(path + ".sloStatistic", e.getMessage());
                }
            }
            int window = sloWindowSec(fields, item, path, app);
            LoadTimeline load = loadTimeline(fields, item, path);
            Set<AcceleratorType> types = acceleratorTypes(fields, item, path, model, profiled, simulated);
            String runningOn = runningOn(fields, item, path, app, model, profiled, types, accelerators, simulated);
            apps.add(new AppSpec(app, model, rate, sloMs, statistic, window, load, runningOn, null, types));
        }
        return apps;
    }

    /**
     * The types the app states, each known and, for a model nobody profiled, each with figures the
     * simulator can run it by; none stated: any type, or for such a model the types of its entry.
     */
    private static Set<AcceleratorType> acceleratorTypes(YamlFields fields, JsonNode item, String path, String model,
                                                         boolean profiled, ProfileCatalog simulated) {
        String field = path + ".acceleratorTypes";
        if (!item.hasNonNull("acceleratorTypes")) {
            return profiled ? Set.of() : simulated.typesFor(model);
        }
        List<JsonNode> items = fields.list(item, path, "acceleratorTypes", true);
        if (items.isEmpty()) {
            throw fields.error(field, "must list at least one accelerator type (leave it out for any)");
        }
        Set<AcceleratorType> types = EnumSet.noneOf(AcceleratorType.class);
        for (int t = 0; t < items.size(); t++) {
            JsonNode value = items.get(t);
            try {
                types.add(AcceleratorType.parse(value.isValueNode() ? value.asText() : value.toString()));
            } catch (IllegalArgumentException e) {
                throw fields.error(field + "[" + t + "]", e.getMessage());
            }
        }
        Set<AcceleratorType> withFigures = simulated.typesFor(model);
        if (!profiled) {
            for (AcceleratorType type : types) {
                if (!withFigures.contains(type)) {
                    throw fields.error(field, "model '" + model + "' is profiled: false and has no figures for " + type.id()
                            + " (the simulator runs it by them): give them, or leave " + type.id() + " out");
                }
            }
        } else if (types.stream().noneMatch(withFigures::contains)) {
            throw fields.error(field, "model '" + model + "' has no profile for " + ids(types) + ", so the app could run"
                    + " nowhere (profiled for " + ids(withFigures) + ")");
        }
        return types;
    }

    private static String runningOn(YamlFields fields, JsonNode item, String path, String app, String model,
                                    boolean profiled, Set<AcceleratorType> types, Map<String, AcceleratorType> accelerators,
                                    ProfileCatalog simulated) {
        if (!item.hasNonNull("runningOn")) {
            return null;
        }
        String runningOn = item.get("runningOn").asText();
        AcceleratorType type = accelerators.get(runningOn);
        if (type == null) {
            throw fields.error(path + ".runningOn", "unknown accelerator '" + runningOn + "' (known: "
                    + String.join(", ", accelerators.keySet()) + ")");
        }
        if (simulated.profile(model, type).isEmpty()) {
            throw fields.error(path + ".runningOn", "model '" + model + "' has no profile for " + type.id()
                    + ", the type of " + runningOn);
        }
        if (!profiled) {
            // runningOn is where Perch found the app at the start; it places no app it has no profile of.
            throw fields.error(path + ".runningOn", "model '" + model + "' is profiled: false, so Perch could not"
                    + " have placed app '" + app + "': leave runningOn out (it waits for a profile)");
        }
        if (!types.isEmpty() && !types.contains(type)) {
            throw fields.error(path + ".runningOn", runningOn + " is of type " + type.id() + ", which app '" + app
                    + "' is not built for (acceleratorTypes: " + ids(types) + ")");
        }
        return runningOn;
    }

    private static String ids(Set<AcceleratorType> types) {
        return types.stream().map(AcceleratorType::id).collect(Collectors.joining(", "));
    }

    /**
     * The window the app's SLO is judged over; the app is named as well as its index, for a window
     * is a choice its owner makes per app and looks for by name.
     */
    private static int sloWindowSec(YamlFields fields, JsonNode item, String path, String app) {
        String field = path + ".sloWindowSec";
        JsonNode value = item.get("sloWindowSec");
        if (value == null || value.isNull()) {
            return AppSpec.DEFAULT_SLO_WINDOW_SEC;
        }
        String range = "must be a whole number of seconds from " + AppSpec.MIN_SLO_WINDOW_SEC + " to "
                + AppSpec.MAX_SLO_WINDOW_SEC + " (app '" + app + "'), got ";
        if (!value.isNumber()) {
            throw fields.error(field, range + "'" + value.asText() + "'");
        }
        double seconds = value.asDouble();
        if (!Double.isFinite(seconds) || seconds != Math.rint(seconds)
                || seconds < AppSpec.MIN_SLO_WINDOW_SEC || seconds > AppSpec.MAX_SLO_WINDOW_SEC) {
            throw fields.error(field, range + value.asText());
        }
        return (int) seconds;
    }

    private static LoadTimeline loadTimeline(YamlFields fields, JsonNode app, String appPath) {
        List<LoadTimeline.LoadChange> changes = new ArrayList<>();
        List<JsonNode> items = fields.list(app, appPath, "load", false);
        for (int i = 0; i < items.size(); i++) {
            String path = appPath + ".load[" + i + "]";
            JsonNode item = items.get(i);
            if (item.has("step")) {
                JsonNode step = item.get("step");
                changes.add(new LoadTimeline.LoadChange.Step(
                        fields.number(step, path + ".step", "atSec", 0, true),
                        fields.number(step, path + ".step", "ratePerSec", 0, true)));
            } else if (item.has("ramp")) {
                JsonNode ramp = item.get("ramp");
                double from = fields.number(ramp, path + ".ramp", "fromSec", 0, true);
                double to = fields.number(ramp, path + ".ramp", "toSec", from, false);
                changes.add(new LoadTimeline.LoadChange.Ramp(from, to,
                        fields.number(ramp, path + ".ramp", "toRatePerSec", 0, true)));
            } else if (item.has("diurnal")) {
                JsonNode wave = item.get("diurnal");
                double amplitude = fields.number(wave, path + ".diurnal", "amplitude", 0, true);
                if (amplitude > 1) {
                    throw fields.error(path + ".diurnal.amplitude", "must be <= 1, got " + amplitude);
                }
                changes.add(new LoadTimeline.LoadChange.Diurnal(
                        fields.number(wave, path + ".diurnal", "periodSec", 0, false), amplitude));
            } else {
                throw fields.error(path, "must be one of {step: {atSec, ratePerSec}}, "
                        + "{ramp: {fromSec, toSec, toRatePerSec}} or {diurnal: {periodSec, amplitude}}");
            }
        }
        return new LoadTimeline(changes);
    }
}
