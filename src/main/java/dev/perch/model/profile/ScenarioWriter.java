package dev.perch.model.profile;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes a scenario in the one scenario format that {@link ScenarioReader} reads — name, networkMs,
 * lengthSec, nodes, the whole catalog as {@code models} (a model Perch's catalog lacks marked {@code profiled: false}),
 * apps with their SLO windows, load timelines and the accelerator types they are built for — so that
 * reading the text back gives an equal scenario: every field is written, numbers exactly (the
 * shortest decimal that reads back as the same double, never with an exponent), strings quoted
 * where YAML would read them as something else.
 */
public final class ScenarioWriter {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
            .stringQuotingChecker(new PlainWhenSafe())
            .build())
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ScenarioWriter() {
    }

    /** The scenario as YAML. An app pinned to a node or accelerator cannot be written: the format has no pins. */
    public static String write(Scenario scenario) {
        ObjectNode root = NODES.objectNode();
        root.put("name", scenario.name());
        root.set("networkMs", number(scenario.networkMs()));
        root.set("lengthSec", number(scenario.lengthSec()));
        ArrayNode nodes = root.putArray("nodes");
        for (NodeSpec node : scenario.nodes()) {
            ObjectNode item = nodes.addObject();
            item.put("node", node.node());
            item.set("memoryMb", number(node.memoryMb()));
            ArrayNode types = item.putArray("acceleratorTypes");
            node.acceleratorTypes().forEach(type -> types.add(type.id()));
            item.set("frontendServiceMs", number(node.frontendServiceMs()));
        }
        ObjectNode models = root.putObject("models");
        writeModels(models, scenario.catalog(), true);
        writeModels(models, scenario.unprofiledModels(), false);
        ArrayNode apps = root.putArray("apps");
        for (AppSpec app : scenario.apps()) {
            if (app.pinned()) {
                throw new IllegalArgumentException("app '" + app.app() + "' is pinned to " + app.pinnedTo()
                        + ": the scenario format has no pins");
            }
            ObjectNode item = apps.addObject();
            item.put("app", app.app());
            item.put("model", app.model());
            item.set("ratePerSec", number(app.ratePerSec()));
            item.set("sloMs", number(app.sloMs()));
            item.put("sloStatistic", app.sloStatistic().id());
            item.put("sloWindowSec", app.sloWindowSec());
            if (!app.load().changes().isEmpty()) {
                ArrayNode load = item.putArray("load");
                for (LoadTimeline.LoadChange change : app.load().changes()) {
                    load.add(change(change));
                }
            }
            if (app.runningOn() != null) {
                item.put("runningOn", app.runningOn());
            }
            if (!app.acceleratorTypes().isEmpty()) {
                ArrayNode types = item.putArray("acceleratorTypes");
                app.acceleratorTypes().forEach(type -> types.add(type.id()));
            }
        }
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write scenario '" + scenario.name() + "' as YAML", e);
        }
    }

    /** A catalog file ({@code models: …}, as {@link ScenarioReader#parseCatalog} reads it) of {@code catalog}. */
    public static String writeCatalog(ProfileCatalog catalog) {
        ObjectNode root = NODES.objectNode();
        writeModels(root.putObject("models"), catalog, true);
        try {
            return YAML.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a catalog as YAML", e);
        }
    }

    /** The models of {@code catalog}; each marked {@code profiled: false} unless {@code profiled}. */
    private static void writeModels(ObjectNode models, ProfileCatalog catalog, boolean profiled) {
        for (Map.Entry<String, Map<AcceleratorType, ModelProfile>> model : catalog.models().entrySet()) {
            ObjectNode byType = models.putObject(model.getKey());
            if (!profiled) {
                byType.put(ScenarioReader.PROFILED, false);
            }
            model.getValue().forEach((type, profile) -> {
                ObjectNode item = byType.putObject(type.id());
                item.set("serviceMs", number(profile.serviceMs()));
                item.set("swapMs", number(profile.swapMs()));
                item.set("memoryMb", number(profile.memoryMb()));
                if (!profile.source().isEmpty()) {
                    item.put("source", profile.source());
                }
            });
        }
    }

    /** Writes {@link #write(Scenario)} to {@code file}, replacing it. */
    public static void write(Scenario scenario, Path file) throws IOException {
        Files.writeString(file, write(scenario), StandardCharsets.UTF_8);
    }

    /**
     * Leaves a string plain only when no YAML reader could take it for anything but a string: it
     * starts with a letter (so it is no number — not {@code 0x10}, {@code 1:30}, {@code .inf}), holds
     * only letters, digits and {@code _ - . / :}, and is no YAML 1.1 boolean or null. Everything else
     * is quoted. Jackson's own check lets {@code 0x10} through, which reads back as 16.
     */
    private static final class PlainWhenSafe extends StringQuotingChecker {
        private static final Pattern SAFE = Pattern.compile("[A-Za-z][A-Za-z0-9_./:-]*");
        private static final Set<String> RESERVED = Set.of("y", "n", "yes", "no", "true", "false", "on", "off", "null");

        @Override
        public boolean needToQuoteName(String name) {
            return needToQuoteValue(name);
        }

        @Override
        public boolean needToQuoteValue(String value) {
            return !SAFE.matcher(value).matches() || value.endsWith(":") || RESERVED.contains(value.toLowerCase(Locale.ROOT));
        }
    }

    private static ObjectNode change(LoadTimeline.LoadChange change) {
        ObjectNode item = NODES.objectNode();
        if (change instanceof LoadTimeline.LoadChange.Step step) {
            ObjectNode body = item.putObject("step");
            body.set("atSec", number(step.atSec()));
            body.set("ratePerSec", number(step.ratePerSec()));
        } else if (change instanceof LoadTimeline.LoadChange.Ramp ramp) {
            ObjectNode body = item.putObject("ramp");
            body.set("fromSec", number(ramp.fromSec()));
            body.set("toSec", number(ramp.toSec()));
            body.set("toRatePerSec", number(ramp.toRatePerSec()));
        } else if (change instanceof LoadTimeline.LoadChange.Diurnal wave) {
            ObjectNode body = item.putObject("diurnal");
            body.set("periodSec", number(wave.periodSec()));
            body.set("amplitude", number(wave.amplitude()));
        } else {
            throw new IllegalArgumentException("unknown load change " + change);
        }
        return item;
    }

    /**
     * A double as the shortest decimal that reads back as the same double ({@link Double#toString}),
     * written plain: a whole number without a fraction, and never an exponent, which YAML 1.1 would
     * read as a string when it has no sign ({@code 1.0E10}).
     */
    private static com.fasterxml.jackson.databind.JsonNode number(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("cannot write " + value + " in a scenario");
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15 && Double.compare(value, -0.0) != 0) {
            return NODES.numberNode((long) value);
        }
        return NODES.numberNode(new BigDecimal(Double.toString(value)));
    }
}
