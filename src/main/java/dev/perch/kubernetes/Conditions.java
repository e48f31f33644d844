package dev.perch.kubernetes;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Status conditions as Kubernetes keeps them ({@code meta.SetStatusCondition}): one condition per
 * type, replaced in place; {@code lastTransitionTime} moves only when the status changes, so it
 * says since when a condition has held, not when Perch last wrote it; reason and message follow
 * the latest write. Pure, so the rules are tested without a server.
 */
final class Conditions {
    private Conditions() {
    }

    /** {@code conditions} with the one of {@code type} set as given (added last when there was none). */
    static List<Condition> set(List<Condition> conditions, String type, String status, String reason, String message,
                               Instant now) {
        List<Condition> result = new ArrayList<>(conditions);
        for (int i = 0; i < result.size(); i++) {
            Condition existing = result.get(i);
            if (type.equals(existing.getType())) {
                String since = status.equals(existing.getStatus()) && existing.getLastTransitionTime() != null
                        ? existing.getLastTransitionTime() : now.toString();
                result.set(i, condition(type, status, reason, message, since));
                return result;
            }
        }
        result.add(condition(type, status, reason, message, now.toString()));
        return result;
    }

    /** The condition of {@code type}, if there is one. */
    static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    /** Whether the condition of {@code type} has {@code status} and {@code message} already (a write would change nothing a reader sees). */
    static boolean says(List<Condition> conditions, String type, String status, String message) {
        return find(conditions, type).filter(c -> status.equals(c.getStatus()) && message.equals(c.getMessage())).isPresent();
    }

    private static Condition condition(String type, String status, String reason, String message, String since) {
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withLastTransitionTime(since).build();
    }
}
