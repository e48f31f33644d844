package dev.perch.model.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads scenarios and profile catalogs in the YAML formats of DESIGN.md and checks them: every error
 * is a {@link ScenarioException} naming the file and the field.
 *
 * <p>Built-in scenarios live on the class path under {@code dev/perch/scenarios/NAME.yaml}; the
 * default catalog is {@code dev/perch/catalog.yaml}.
 */
public final class ScenarioReader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String BUILT_IN = "dev/perch/scenarios/";
    private static final String DEFAULT_CATALOG = "dev/perch/catalog.yaml";

    private ScenarioReader() {
    }

    /** The names of the scenarios shipped with Perch (the generated ones are drawn with a seed). */
    public static List<String> builtInNames() {
        List<String> names = new ArrayList<>(List.of("default", "boost", "tiny-mixed", "quieting", "room", "unprofiled"));
        names.addAll(ScenarioGenerator.names());
        return names;
    }

    /**
     * A built-in scenario's name, or a path to a YAML file. A generated scenario is drawn with the
     * seed after its colon ({@code random:7}); named without one, with seed 1.
     */
    public static Scenario load(String nameOrFile) {
        return load(nameOrFile, 1);
    }

    /**
     * As {@link #load(String)}, but a generated scenario named without a seed ({@code mixed}) is
     * drawn with {@code drawSeedIfNone}: {@code mixed} is then {@code mixed:<drawSeedIfNone>}.
     * {@code NAME:N} is a generated scenario's name and a whole number N &gt;= 0; any other
     * {@code NAME:…} with a built-in NAME is refused, and anything else is taken for a file.
     */
    public static Scenario load(String nameOrFile, long drawSeedIfNone) {
        int colon = nameOrFile.lastIndexOf(':');
        if (colon > 0) {
            String base = nameOrFile.substring(0, colon);
            if (ScenarioGenerator.generates(base)) {
                return ScenarioGenerator.generate(base, drawSeed(nameOrFile, nameOrFile.substring(colon + 1)),
                        defaultCatalog());
            }
            if (builtInNames().contains(base)) {
                throw new ScenarioException(nameOrFile + ": scenario '" + base + "' is not generated from a seed, so it"
                        + " takes no ':N' (generated: " + String.join(", ", ScenarioGenerator.names()) + ")");
            }
        }
        if (ScenarioGenerator.generates(nameOrFile)) {
            return ScenarioGenerator.generate(nameOrFile, drawSeedIfNone, defaultCatalog());
        }
        if (builtInNames().contains(nameOrFile)) {
            return parse(resource(BUILT_IN + nameOrFile + ".yaml"), "scenario '" + nameOrFile + "'");
        }
        Path path = Path.of(nameOrFile);
        if (!Files.isRegularFile(path)) {
            throw new ScenarioException(nameOrFile + ": no such scenario file, and not a built-in scenario (built-in: "
                    + String.join(", ", builtInNames()) + ")");
        }
        try {
            return parse(Files.readString(path, StandardCharsets.UTF_8), nameOrFile);
        } catch (IOException e) {
            throw new ScenarioException(nameOrFile + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static long drawSeed(String name, String seed) {
        if (seed.matches("[0-9]{1,18}")) {
            return Long.parseLong(seed);
        }
        throw new ScenarioException(name + ": the draw seed after ':' must be a whole number from 0 to 999999999999999999,"
                + " got '" + seed + "'");
    }

    /** The profile catalog shipped with Perch, built from the measurements of the Ibis paper. */
    public static ProfileCatalog defaultCatalog() {
        return parseCatalog(resource(DEFAULT_CATALOG), "default catalog");
    }

    public static ProfileCatalog loadCatalog(Path file) {
        return parseCatalog(read(file), file.toString());
    }

    /**
     * A catalog: what Perch knows. A model marked {@code profiled: false} is refused — that mark
     * belongs to a scenario, whose simulator runs the model Perch does not know.
     */
    public static ProfileCatalog parseCatalog(String yaml, String source) {
        ScenarioModels models = parseModels(yaml, source);
        if (!models.unprofiled().models().isEmpty()) {
            String model = models.unprofiled().models().keySet().iterator().next();
            throw fields(source).error("models." + model + ".profiled", "a catalog holds what Perch knows, so no model"
                    + " in it is 'profiled: false' (that belongs to a scenario's models, for its simulator)");
        }
        return models.profiled();
    }

    /**
     * The {@code models} of a catalog or scenario file, the {@code profiled: false} ones apart: for a
     * command that reports on profiles and says which model has none because it is unprofiled.
     */
    public static ScenarioModels loadModels(Path file) {
        return parseModels(read(file), file.toString());
    }

    static ScenarioModels parseModels(String yaml, String source) {
        YamlFields fields = fields(source);
        JsonNode root = tree(yaml, source);
        if (!root.isObject()) {
            throw fields.error("(top level)", "must be a mapping with models");
        }
        return models(fields, fields.required(root, "", "models"), "models");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ScenarioException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static final Set<String> SCENARIO_FIELDS = Set.of("name", "networkMs", "lengthSec", "nodes", "models", "apps");
    private static final Set<String> NODE_FIELDS = Set.of("node", "memoryMb", "acceleratorTypes", "frontendServiceMs");
    /** The key of a model's entry that is no accelerator type: whether Perch's catalog holds the model. */
    static final String PROFILED = "profiled";
    private static final Set<String> PROFILE_FIELDS = Set.of("serviceMs", "swapMs", "memoryMb", "source");

    public static Scenario parse(String yaml, String source) {
        YamlFields fields = fields(source);
        JsonNode root = tree(yaml, source);
        if (!root.isObject()) {
            throw fields.error("(top level)", "must be a mapping with nodes, models and apps");
        }
        fields.onlyKnown(root, "", SCENARIO_FIELDS);
        String name = root.hasNonNull("name") ? root.get("name").asText() : source;
        double networkMs = fields.optionalNumber(root, "", "networkMs", 0, 0, true);
        double lengthSec = fields.optionalNumber(root, "", "lengthSec", Scenario.DEFAULT_LENGTH_SEC, 0, false);

        List<NodeSpec> nodes = new ArrayList<>();
        Set<String> nodeIds = new HashSet<>();
        List<JsonNode> nodeItems = fields.list(root, "", "nodes", true);
        for (int i = 0; i < nodeItems.size(); i++) {
            String path = "nodes[" + i + "]";
            JsonNode item = nodeItems.get(i);
            fields.onlyKnown(item, path, NODE_FIELDS);
            String node = fields.text(item, path, "node");
            if (!nodeIds.add(node)) {
                throw fields.error(path + ".node", "duplicate node '" + node + "'");
            }
            double memoryMb = fields.number(item, path, "memoryMb", 0, false);
            List<AcceleratorType> types = new ArrayList<>();
            List<JsonNode> typeItems = fields.list(item, path, "acceleratorTypes", true);
            for (int t = 0; t < typeItems.size(); t++) {
                try {
                    types.add(AcceleratorType.parse(typeItems.get(t).asText()));
                } catch (IllegalArgumentException e) {
                    throw fields.error(path + ".acceleratorTypes[" + t + "]", e.getMessage());
                }
            }
            if (types.isEmpty()) {
                throw fields.error(path + ".acceleratorTypes", "must list at least one accelerator type");
            }
            double frontendMs = fields.optionalNumber(item, path, "frontendServiceMs", 0, 0, true);
            nodes.add(new NodeSpec(node, memoryMb, types, frontendMs));
        }
        if (nodes.isEmpty()) {
            throw fields.error("nodes", "must list at least one node");
        }

        ScenarioModels models = root.hasNonNull("models")
                ? models(fields, root.get("models"), "models")
                : new ScenarioModels(defaultCatalog(), ProfileCatalog.empty());
        ProfileCatalog catalog = models.profiled();
        ProfileCatalog simulated = models.all();

        Map<String, AcceleratorType> acceleratorTypes = new LinkedHashMap<>();
        for (NodeSpec node : nodes) {
            for (int a = 0; a < node.acceleratorIds().size(); a++) {
                acceleratorTypes.put(node.acceleratorIds().get(a), node.acceleratorTypes().get(a));
            }
        }
        List<AppSpec> apps = ScenarioApps.read(fields, root, acceleratorTypes, catalog, simulated);
        return new Scenario(name, networkMs, nodes, catalog, apps, lengthSec, models.unprofiled());
    }

    private static ScenarioModels models(YamlFields fields, JsonNode models, String path) {
        Map<String, Map<AcceleratorType, ModelProfile>> profiled = new LinkedHashMap<>();
        Map<String, Map<AcceleratorType, ModelProfile>> unprofiled = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> entries = fields.mapping(models, path);
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            String modelPath = path + "." + entry.getKey();
            Map<AcceleratorType, ModelProfile> byType = new EnumMap<>(AcceleratorType.class);
            boolean isProfiled = true;
            Iterator<Map.Entry<String, JsonNode>> types = fields.mapping(entry.getValue(), modelPath);
            while (types.hasNext()) {
                Map.Entry<String, JsonNode> typeEntry = types.next();
                String typePath = modelPath + "." + typeEntry.getKey();
                if (typeEntry.getKey().equals(PROFILED)) {
                    isProfiled = profiled(fields, typeEntry.getValue(), typePath);
                    continue;
                }
                AcceleratorType type;
                try {
                    type = AcceleratorType.parse(typeEntry.getKey());
                } catch (IllegalArgumentException e) {
                    throw fields.error(typePath, e.getMessage());
                }
                JsonNode profile = typeEntry.getValue();
                fields.onlyKnown(profile, typePath, PROFILE_FIELDS);
                double serviceMs = fields.number(profile, typePath, "serviceMs", 0, false);
                double swapMs = fields.optionalNumber(profile, typePath, "swapMs", 0, 0, true);
                double memoryMb = fields.optionalNumber(profile, typePath, "memoryMb", 0, 0, true);
                String source = profile.hasNonNull("source") ? profile.get("source").asText() : "";
                byType.put(type, new ModelProfile(serviceMs, swapMs, memoryMb, source));
            }
            (isProfiled ? profiled : unprofiled).put(entry.getKey(), byType);
        }
        return new ScenarioModels(new ProfileCatalog(profiled), new ProfileCatalog(unprofiled));
    }

    /** A model entry's {@code profiled}: a YAML boolean, nothing else ({@code maybe}, {@code "false"}, 0 are refused). */
    private static boolean profiled(YamlFields fields, JsonNode value, String path) {
        if (!value.isBoolean()) {
            throw fields.error(path, "must be true or false, got '" + value.asText() + "'");
        }
        return value.booleanValue();
    }

    /** The scenario's errors name the source, then the field's path. */
    private static YamlFields fields(String source) {
        return new YamlFields((path, problem) -> new ScenarioException(source + ": " + path + ": " + problem));
    }

    private static JsonNode tree(String yaml, String source) {
        try {
            JsonNode root = YAML.readTree(yaml);
            if (root == null || root.isMissingNode()) {
                throw new ScenarioException(source + ": empty document");
            }
            return root;
        } catch (JsonProcessingException e) {
            String reason = e.getOriginalMessage().lines().findFirst().orElse("malformed YAML");
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            throw new ScenarioException(source + ": malformed YAML" + (line > 0 ? " at line " + line : "") + ": " + reason, e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = ScenarioReader.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing class-path resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
