package dev.perch.agent;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed fields out of the agent config's YAML tree, naming the file and the field's path in every
 * error — the approach of the scenario reader ({@code model.profile.YamlFields}), for the agent's
 * own exception.
 */
final class ConfigFields {
    private final String source;

    ConfigFields(String source) {
        this.source = source;
    }

    AgentConfigException error(String path, String problem) {
        return new AgentConfigException(source + ": " + (path.isEmpty() ? "(top level)" : path) + ": " + problem);
    }

    /** Refuses a field the format lacks: a misspelt optional field would otherwise be read as absent. */
    void onlyKnown(JsonNode node, String path, Set<String> known) {
        if (!node.isObject()) {
            throw error(path, "must be a mapping");
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                throw error(join(path, name), "unknown field (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    boolean has(JsonNode parent, String field) {
        return parent.hasNonNull(field);
    }

    JsonNode required(JsonNode parent, String path, String field) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            throw error(join(path, field), "is required");
        }
        return value;
    }

    String text(JsonNode parent, String path, String field) {
        return textOf(required(parent, path, field), join(path, field));
    }

    String optionalText(JsonNode parent, String path, String field, String fallback) {
        return has(parent, field) ? text(parent, path, field) : fallback;
    }

    String textOf(JsonNode value, String path) {
        if (!value.isTextual() && !value.isNumber()) {
            throw error(path, "must be a string");
        }
        String text = value.asText().strip();
        if (text.isEmpty()) {
            throw error(path, "must not be empty");
        }
        return text;
    }

    /** A whole number from {@code min} to {@code max}, or {@code fallback} when absent. */
    long wholeNumber(JsonNode parent, String path, String field, long fallback, long min, long max) {
        if (!has(parent, field)) {
            return fallback;
        }
        JsonNode value = parent.get(field);
        String at = join(path, field);
        if (!value.isNumber() || value.asDouble() != Math.rint(value.asDouble())) {
            throw error(at, "must be a whole number, got '" + value.asText() + "'");
        }
        long number = value.asLong();
        if (number < min || number > max) {
            throw error(at, "must be from " + min + " to " + max + ", got " + number);
        }
        return number;
    }

    List<JsonNode> list(JsonNode parent, String path, String field) {
        if (!has(parent, field)) {
            return List.of();
        }
        JsonNode value = parent.get(field);
        if (!value.isArray()) {
            throw error(join(path, field), "must be a list");
        }
        List<JsonNode> items = new ArrayList<>();
        value.forEach(items::add);
        return items;
    }

    /** One string or a list of them. */
    List<String> texts(JsonNode parent, String path, String field) {
        JsonNode value = required(parent, path, field);
        String at = join(path, field);
        if (!value.isArray()) {
            return List.of(textOf(value, at));
        }
        if (value.isEmpty()) {
            throw error(at, "must not be an empty list");
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            texts.add(textOf(value.get(i), at + "[" + i + "]"));
        }
        return texts;
    }

    static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
