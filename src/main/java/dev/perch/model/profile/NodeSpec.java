package dev.perch.model.profile;

import java.util.List;

/**
 * A node of an edge cluster: its memory, the accelerator types it carries (one accelerator of each
 * listed entry, so {@code [edgetpu, edgetpu]} is two Edge TPUs), and the mean time its CPU front end
 * (decode, resize) spends on one request.
 */
public record NodeSpec(String node, double memoryMb, List<AcceleratorType> acceleratorTypes, double frontendServiceMs) {
    public NodeSpec {
        acceleratorTypes = List.copyOf(acceleratorTypes);
    }

    /** Accelerator ids as the contract spells them: {@code <node>/<type-prefix><index>}, e.g. {@code pi-1/tpu0}. */
    public List<String> acceleratorIds() {
        java.util.Map<AcceleratorType, Integer> seen = new java.util.EnumMap<>(AcceleratorType.class);
        return acceleratorTypes.stream().map(type -> {
            int index = seen.merge(type, 1, Integer::sum) - 1;
            return node + "/" + prefix(type) + index;
        }).toList();
    }

    private static String prefix(AcceleratorType type) {
        return switch (type) {
            case EDGETPU -> "tpu";
            case GPU -> "gpu";
            case CPU -> "cpu";
        };
    }
}
