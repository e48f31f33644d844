package dev.perch.streams;

/**
 * Decides when an app's SLO alert state changes, from one window's verdicts at a time, so that one
 * noisy window does not flap: a state is entered after {@code enterWindows} consecutive windows that
 * call for it and left after {@code exitWindows} consecutive windows that no longer do.
 *
 * <p>States: {@code ok}; {@code impending} — the models say the SLO statistic is over the SLO while
 * observed latency still meets it; {@code violation} — observed latency is over the SLO. Observed
 * evidence outranks predicted evidence: a violation whose observed latency has recovered steps down to
 * impending while the models still say the SLO is at risk, and to ok otherwise.
 */
public record AlertHysteresis(int enterWindows, int exitWindows) {
    public static final AlertHysteresis DEFAULT = new AlertHysteresis(2, 3);

    public AlertHysteresis {
        if (enterWindows < 1 || exitWindows < 1) {
            throw new IllegalArgumentException("enterWindows and exitWindows must be >= 1");
        }
    }

    public enum State { OK, IMPENDING, VIOLATION }

    /** The current state of one app and its runs of consecutive windows. */
    public record Tracker(State state, int predictedOver, int observedOver, int observedFine, int allFine) {
        public static final Tracker INITIAL = new Tracker(State.OK, 0, 0, 0, 0);
    }

    /** The tracker after one window, and the alert kind to emit ({@code null} when the state holds). */
    public record Step(Tracker tracker, String emit) {
    }

    /**
     * @param predictedOver the models put the app's SLO statistic over its SLO in this window
     * @param observedOver  observed latency is over the SLO in this window
     */
    public Step next(Tracker tracker, boolean predictedOver, boolean observedOver) {
        Tracker runs = new Tracker(tracker.state(),
                predictedOver ? tracker.predictedOver() + 1 : 0,
                observedOver ? tracker.observedOver() + 1 : 0,
                observedOver ? 0 : tracker.observedFine() + 1,
                predictedOver || observedOver ? 0 : tracker.allFine() + 1);
        State target = switch (tracker.state()) {
            case OK -> runs.observedOver() >= enterWindows ? State.VIOLATION
                    : runs.predictedOver() >= enterWindows ? State.IMPENDING : State.OK;
            case IMPENDING -> runs.observedOver() >= enterWindows ? State.VIOLATION
                    : runs.allFine() >= exitWindows ? State.OK : State.IMPENDING;
            case VIOLATION -> runs.observedFine() < exitWindows ? State.VIOLATION
                    : predictedOver ? State.IMPENDING : State.OK;
        };
        Tracker after = new Tracker(target, runs.predictedOver(), runs.observedOver(), runs.observedFine(), runs.allFine());
        if (target == tracker.state()) {
            return new Step(after, null);
        }
        String emit = switch (target) {
            case OK -> "resolved";
            case IMPENDING -> "impending";
            case VIOLATION -> "violation";
        };
        return new Step(after, emit);
    }
}
