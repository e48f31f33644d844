package dev.perch.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON merge patch (RFC 7386) that gives a live object every field of the object Perch wants,
 * or none when it has them all — so that an idle pass writes nothing — and the same change as JSON
 * Patch operations (RFC 6902), the form it is sent in ({@link #operations}). Decided on JSON trees,
 * without a server.
 *
 * <p>What "has them" means, field by field: a map has the wanted keys with their wanted values,
 * whatever else the API server or other controllers added (defaults, annotations); a list has the
 * wanted length and each element has its wanted element's fields (a merge patch replaces lists
 * whole, so a list that differs is sent whole). Two kinds of path are treated apart:
 * <ul>
 *   <li>left alone: never compared nor sent (a Deployment's selector, which the server refuses to
 *   change; the object's identity);</li>
 *   <li>exact: a map that must hold the wanted keys only; a key Perch did not want is sent as null,
 *   which removes it (a Service's selector).</li>
 * </ul>
 * Paths are JSON pointers ({@code /spec/selector}).
 */
final class MergePatch {
    /** Identity and server-owned parts: never patched. */
    private static final Set<String> IDENTITY = Set.of("/apiVersion", "/kind", "/metadata/name", "/metadata/namespace",
            "/status");

    private MergePatch() {
    }

    /** The patch that brings {@code live} to carry {@code desired}; empty when it does already. */
    static Optional<ObjectNode> toward(JsonNode desired, JsonNode live, Set<String> leaveAlone, Set<String> exact) {
        ObjectNode patch = diff(desired, live, "", leaveAlone, exact);
        return patch.isEmpty() ? Optional.empty() : Optional.of(patch);
    }

    /**
     * The merge patch {@code patch}, computed against {@code live}, as JSON Patch operations: a value
     * becomes {@code add}, which sets an object member whether or not it is there (so a cache a
     * little behind the server does not fail the patch), a null {@code remove} (which the server
     * refuses when the member is already gone: the pass logs it and the next one, with a fresher
     * cache, sends nothing).
     * The two forms mean the same to an API server; operations are what is sent, because the fabric8
     * mock API server applies a merge patch by Jackson's update-in-place, which appends to lists
     * (a changed image would add a second container) and keeps nulls instead of removing keys.
     */
    static ArrayNode operations(ObjectNode patch, JsonNode live) {
        ArrayNode operations = JsonNodeFactory.instance.arrayNode();
        collectOperations(patch, live, "", operations);
        return operations;
    }

    private static void collectOperations(JsonNode patch, JsonNode live, String path, ArrayNode into) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String at = path + "/" + escape(field.getKey());
            JsonNode value = field.getValue();
            JsonNode has = live == null ? null : live.get(field.getKey());
            if (value.isNull()) {
                if (has != null) {
                    into.addObject().put("op", "remove").put("path", at);
                }
            } else if (value.isObject() && has != null && has.isObject()) {
                // toward() sends part of an object only where the live one is an object too.
                collectOperations(value, has, at, into);
            } else {
                into.addObject().put("op", "add").put("path", at).set("value", value.deepCopy());
            }
        }
    }

    /** The fields a patch sets, as dotted paths, for logs and results ({@code spec.template.spec.containers}). */
    static List<String> fields(ObjectNode patch) {
        List<String> fields = new ArrayList<>();
        collect(patch, "", fields);
        return fields;
    }

    private static ObjectNode diff(JsonNode desired, JsonNode live, String path, Set<String> leaveAlone, Set<String> exact) {
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = desired.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String at = path + "/" + escape(field.getKey());
            if (leaveAlone.contains(at) || IDENTITY.contains(at)) {
                continue;
            }
            JsonNode wanted = field.getValue();
            JsonNode has = live == null ? null : live.get(field.getKey());
            if (wanted.isObject() && has != null && has.isObject()) {
                ObjectNode inner = diff(wanted, has, at, leaveAlone, exact);
                if (!inner.isEmpty()) {
                    patch.set(field.getKey(), inner);
                }
            } else if (!covers(has, wanted)) {
                patch.set(field.getKey(), wanted.deepCopy());
            }
        }
        if (exact.contains(path) && live != null && live.isObject()) {
            for (Iterator<String> names = live.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!desired.has(name)) {
                    patch.putNull(name);
                }
            }
        }
        return patch;
    }

    /** Whether {@code live} has everything {@code wanted} has (see the class comment). */
    static boolean covers(JsonNode live, JsonNode wanted) {
        if (wanted == null || wanted.isNull() || wanted.isMissingNode()) {
            return live == null || live.isNull() || live.isMissingNode();
        }
        if (live == null) {
            return false;
        }
        if (wanted.isObject()) {
            if (!live.isObject()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = wanted.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!covers(live.get(field.getKey()), field.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (wanted.isArray()) {
            if (!live.isArray() || live.size() != wanted.size()) {
                return false;
            }
            for (int i = 0; i < wanted.size(); i++) {
                if (!covers(live.get(i), wanted.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (wanted.isNumber()) {
            // 1 and 1.0 (or an int and a long) are the same replica count to the server.
            return live.isNumber() && live.decimalValue().compareTo(wanted.decimalValue()) == 0;
        }
        return wanted.equals(live);
    }

    private static void collect(JsonNode node, String prefix, List<String> into) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String at = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            if (field.getValue().isObject() && !field.getValue().isEmpty()) {
                collect(field.getValue(), at, into);
            } else {
                into.add(at);
            }
        }
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
