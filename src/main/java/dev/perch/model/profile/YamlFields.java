package dev.perch.model.profile;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * Reads typed fields out of a parsed YAML tree, naming the field path in every error, so that a bad
 * file is answered with "where and what" in one line. The scenario reader and the agent's config
 * reader share it; each makes its own exception (with the source in it) from the path and the problem.
 */
public class YamlFields {
    private final BiFunction<String, String, ? extends RuntimeException> errors;

    /** @param errors the exception for a field's path and what is wrong with it */
    public YamlFields(BiFunction<String, String, ? extends RuntimeException> errors) {
        this.errors = errors;
    }

    public RuntimeException error(String path, String problem) {
        return errors.apply(path, problem);
    }

    /**
     * Refuses a field this format does not have: a misspelt optional field would otherwise be
     * dropped without a word, and its default used (a {@code swapms: 20} read as no swap at all).
     * A node that is not a mapping is let through, for the field reads to refuse.
     */
    public void onlyKnown(JsonNode node, String path, Set<String> known) {
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

    public JsonNode required(JsonNode parent, String path, String field) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            throw error(join(path, field), "is required");
        }
        return value;
    }

    public String text(JsonNode parent, String path, String field) {
        return textOf(required(parent, path, field), join(path, field));
    }

    public String textOf(JsonNode value, String path) {
        if (!value.isTextual() && !value.isNumber()) {
            throw error(path, "must be a string");
        }
        String text = value.asText().strip();
        if (text.isEmpty()) {
            throw error(path, "must not be empty");
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

    public List<JsonNode> list(JsonNode parent, String path, String field, boolean required) {
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

    public Iterator<Map.Entry<String, JsonNode>> mapping(JsonNode value, String path) {
        if (!value.isObject()) {
            throw error(path, "must be a mapping");
        }
        return value.fields();
    }

    public static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private static String trim(double number) {
        return number == Math.rint(number) ? Long.toString((long) number) : Double.toString(number);
    }
}
