package dev.perch.runtime;

/**
 * How fast simulated time runs: a factor of real time, or {@code max} — in lock-step with the
 * pipeline, each simulated second starting only after the topology and the controller have handled
 * the previous one, so results in simulated time do not depend on the machine.
 */
public record Speed(double factor, boolean lockStep) {
    public static Speed parse(String text) {
        if ("max".equals(text)) {
            return new Speed(Double.POSITIVE_INFINITY, true);
        }
        try {
            double factor = Double.parseDouble(text);
            if (factor > 0 && Double.isFinite(factor)) {
                return new Speed(factor, false);
            }
        } catch (NumberFormatException ignored) {
            // falls through to the error below
        }
        throw new IllegalArgumentException("--speed must be a positive number or 'max', got '" + text + "'");
    }
}
