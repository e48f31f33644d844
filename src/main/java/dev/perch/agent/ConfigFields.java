package dev.perch.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perch.model.profile.YamlFields;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The scenario reader's {@link YamlFields} for the agent config: errors are the agent's own, with
 * the file and the field's path ("(top level)" for the document itself), every section must be a
 * mapping, and a few readers the scenario format has no use for.
 */
final class ConfigFields extends YamlFields {
    ConfigFields(String source) {
        super((path, problem) -> new AgentConfigException(source + ": " + (path.isEmpty() ? "(top level)" : path) + ": " + problem));
    }

    /** Refuses a field the format lacks: a misspelt optional field would otherwise be read as absent. */
    @Override
    public void onlyKnown(JsonNode node, String path, Set<String> known) {
        mapping(node, path);
        super.onlyKnown(node, path, known);
    }

    boolean has(JsonNode parent, String field) {
        return parent.hasNonNull(field);
    }

    String optionalText(JsonNode parent, String path, String field, String fallback) {
        return has(parent, field) ? text(parent, path, field) : fallback;
    }

    /** {@code true} or {@code false}, or {@code fallback} when absent; never a string that looks like one. */
    boolean flag(JsonNode parent, String path, String field, boolean fallback) {
        if (!has(parent, field)) {
            return fallback;
        }
        JsonNode value = parent.get(field);
        if (!value.isBoolean()) {
            throw error(join(path, field), "must be true or false, got '" + value.asText() + "'");
        }
        return value.booleanValue();
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

    /** The list under {@code field}, empty when absent. */
    List<JsonNode> list(JsonNode parent, String path, String field) {
        return list(parent, path, field, false);
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
}
