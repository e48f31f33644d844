package dev.perch.model.profile;

import java.util.Locale;
import java.util.Optional;

/** The kinds of device an inference backend can run on, spelled as in every Perch contract. */
public enum AcceleratorType {
    /** Serves one request at a time, first come first served; pays a swap when the model changes. */
    EDGETPU,
    /** Shared by concurrent processes: processor sharing. */
    GPU,
    /** Shared by concurrent processes: processor sharing. */
    CPU;

    /** Read for every telemetry report the topology parses, so made once. */
    private final String id = name().toLowerCase(Locale.ROOT);
    private static final AcceleratorType[] ALL = values();

    /** The contract spelling: {@code edgetpu}, {@code gpu}, {@code cpu}. */
    public String id() {
        return id;
    }

    public static Optional<AcceleratorType> fromId(String id) {
        return ContractIds.find(ALL, AcceleratorType::id, id);
    }

    /** Parses the contract spelling or throws with a message that lists the allowed values. */
    public static AcceleratorType parse(String id) {
        return fromId(id).orElseThrow(() -> new IllegalArgumentException(
                "unknown accelerator type '" + id + "' (expected edgetpu, gpu or cpu)"));
    }

    @Override
    public String toString() {
        return id();
    }
}
