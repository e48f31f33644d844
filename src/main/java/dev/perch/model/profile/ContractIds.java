package dev.perch.model.profile;

import java.util.Optional;
import java.util.function.Function;

/**
 * Looks an enum constant up by its contract spelling. A loop over a fixed array, not a stream: the
 * topology looks up an accelerator type and an SLO statistic for every telemetry report.
 */
final class ContractIds {
    private ContractIds() {
    }

    static <E extends Enum<E>> Optional<E> find(E[] all, Function<E, String> spelling, String id) {
        if (id == null) {
            return Optional.empty();
        }
        for (E constant : all) {
            if (spelling.apply(constant).equals(id)) {
                return Optional.of(constant);
            }
        }
        return Optional.empty();
    }
}
