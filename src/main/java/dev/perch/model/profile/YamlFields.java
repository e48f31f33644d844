package dev.perch.model.profile;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads typed fields out of a parsed YAML tree, naming the source and the field path in every
 * error, so that a bad file is answered with "where and what" in one line.
 */
final class YamlFields {
    private final String source;

    YamlFields(String source) {
        this.source = source;
    }

    ScenarioException error(String path, String problem) {
        return new ScenarioException(source + ": " + path + ": " + problem);
    }

    /**
     * Refuses a field this format does not have: a misspelt optional field would otherwise be
     * dropped without a word, and its default used (a {@code swapms: 20} read as no swap at all).
     */
    void onlyKnown(JsonNode node, String path, Set<String> known) {
        if (node == null || !node.isObject()) {
            return;
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw error(join(path, name), "unknown field (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    JsonNode required(JsonNode parent, String path, String field) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            throw error(join(path, field), "is required");
        }
        return value;
    }

    String text(JsonNode parent, String path, String field) {
        JsonNode value = required(parent, path, field);
        if (!value.isTextual() && !value.isNumber()) {
            throw error(join(path, field), "must be a string");
        }
        String text = value.asText().strip();
        if (text.isEmpty()) {
            throw error(join(path, field), "must not be empty");
        }
        return text;
    }

    double number(JsonNode parent, String path, String field, double min, boolean minInclusive) {
        JsonNode value = required(parent, path, field);
        return checkNumber(value, join(path, field), min, minInclusive);
    }

    double optionalNumber(JsonNode parent, String path, String field, double fallback, double min, boolean minInclusive) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        return checkNumber(value, join(path, field), min, minInclusive);
    }

    private double checkNumber(JsonNode value, String path, double min, boolean minInclusive) {
        if (!value.isNumber()) {
            throw error(path, "must be a number, got '" + value.asText() + "'");
        }
        double number = value.asDouble();
        if (!Double.isFinite(number)) {
            throw error(path, "must be a finite number");
        }
        if (minInclusive ? number < min : number <= min) {
            throw error(path, "must be " + (minInclusive ? ">= " : "> ") + trim(min) + ", got " + trim(number));
        }
        return number;
    }

    List<JsonNode> list(JsonNode parent, String path, String field, boolean required) {
        JsonNode value = required ? required(parent, path, field) : parent.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw error(join(path, field), "must be a list");
        }
        List<JsonNode> items = new ArrayList<>();
        value.forEach(items::add);
        return items;
    }

    Iterator<Map.Entry<String, JsonNode>> mapping(JsonNode value, String path) {
        if (!value.isObject()) {
            throw error(path, "must be a mapping");
        }
        return value.fields();
    }

    static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private static String trim(double number) {
        return number == Math.rint(number) ? Long.toString((long) number) : Double.toString(number);
    }
}
