package dev.perch.model.profile;

import java.util.Arrays;
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

    /** The contract spelling: {@code edgetpu}, {@code gpu}, {@code cpu}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<AcceleratorType> fromId(String id) {
        if (id == null) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(t -> t.id().equals(id)).findFirst();
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
