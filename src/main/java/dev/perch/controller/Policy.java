package dev.perch.controller;

/**
 * How the controller decides to move an app.
 * <ul>
 *   <li>{@code perch}: on every {@code impending} or {@code violation} alert, to the device where the
 *   models say every SLO holds with the most slack.</li>
 *   <li>{@code reactive}: the Ibis paper's rule, for comparison — every 10 s, an app whose last 20
 *   requests' mean latency is over its SLO moves to an idle accelerator; alerts are ignored.</li>
 * </ul>
 */
public enum Policy {
    PERCH, REACTIVE;

    public static Policy parse(String id) {
        return switch (id) {
            case "perch" -> PERCH;
            case "reactive" -> REACTIVE;
            default -> throw new IllegalArgumentException("unknown policy '" + id + "' (expected perch or reactive)");
        };
    }
}
