package dev.perch.streams;

/**
 * Decides when an app's SLO alert state changes, from one window's verdicts at a time, so that an
 * alert is raised as soon as the evidence holds and resolved only when it will stay resolved.
 *
 * <p>States: {@code ok}; {@code impending} — the models say the SLO statistic is, or within the
 * horizon will be, over the SLO; {@code violation} — the statistic observed over the app's SLO window
 * is over the SLO. Observed evidence outranks predicted evidence.
 * <ul>
 *   <li><b>Raised</b> after {@code enterWindows} consecutive windows that call for it: one noisy
 *   window is not an alert. Within one SLO window of being resolved, an app is raised again only by
 *   its observed statistic (a violation), not by the models: it has just been observed and
 *   predicted clear for a whole window, and a prediction that turns within the next is mostly a
 *   rate trend found in Poisson noise — a trend moves the rate "now" as well as the forecast, and
 *   one app's trend puts every app of its accelerator over together. Until the window has turned
 *   over, what the app's users see rules.</li>
 *   <li><b>Resolved</b> only once the app has been <i>clear</i> — the observed window statistic and
 *   the prediction, now and at the horizon, all at or under (1 − {@code margin}) × SLO — for its
 *   whole SLO window. The window's statistic is then made of clear seconds only, and to be raised
 *   again within a window it must climb by more than the margin: an alert resolved and raised
 *   again less than a window later (a <i>flap</i>) takes a real change, not noise about the SLO.
 *   An app the models keep within the margin of its SLO stays raised; it is not at risk enough for
 *   the controller to act again, nor safe enough to call resolved.</li>
 *   <li>A violation whose observed statistic has been within the SLO for {@code exitWindows}
 *   windows <b>steps down</b> to impending while the models still put it over; else it stays a
 *   violation until resolved.</li>
 * </ul>
 */
public record AlertHysteresis(int enterWindows, int exitWindows, double margin) {
    public static final AlertHysteresis DEFAULT = new AlertHysteresis(2, 3, 0.10);

    public AlertHysteresis {
        if (enterWindows < 1 || exitWindows < 1) {
            throw new IllegalArgumentException("enterWindows and exitWindows must be >= 1");
        }
        if (!(margin >= 0 && margin < 1)) {
            throw new IllegalArgumentException("margin must be in [0, 1), got " + margin);
        }
    }

    public enum State { OK, IMPENDING, VIOLATION }

    /**
     * One window's verdicts: the models put the app over its SLO (now or at the horizon); the
     * observed window statistic is over it (in a window with requests) or within it; and the app is
     * clear (observed and predicted at or under (1 − margin) × SLO).
     */
    public record Verdict(boolean predictedOver, boolean observedOver, boolean observedWithin, boolean clear) {
    }

    /** Never resolved: no window end is this early. */
    public static final long NEVER = Long.MIN_VALUE;

    /**
     * The current state of one app, its runs of consecutive windows, the end of the latest window
     * that was not clear (its clear run starts after it), and of the window it was last resolved in
     * ({@link #NEVER} if it has not been).
     */
    public record Tracker(State state, int predictedOver, int observedOver, int observedWithin, long unclearEndMs,
                          long resolvedEndMs) {
        public static final Tracker INITIAL = new Tracker(State.OK, 0, 0, 0, 0, NEVER);
    }

    /** The tracker after one window, and the alert kind to emit ({@code null} when the state holds). */
    public record Step(Tracker tracker, String emit) {
    }

    /**
     * @param windowEndMs the end of the window judged
     * @param windowSec   the app's SLO window: how long it must stay clear to be resolved
     */
    public Step next(Tracker tracker, Verdict verdict, long windowEndMs, int windowSec) {
        Tracker after = new Tracker(tracker.state(),
                verdict.predictedOver() ? tracker.predictedOver() + 1 : 0,
                verdict.observedOver() ? tracker.observedOver() + 1 : 0,
                verdict.observedWithin() ? tracker.observedWithin() + 1 : 0,
                verdict.clear() ? tracker.unclearEndMs() : windowEndMs, tracker.resolvedEndMs());
        long windowMs = windowSec * 1000L;
        boolean clearForAWindow = verdict.clear() && windowEndMs - after.unclearEndMs() >= windowMs;
        boolean resolvedWithinAWindow = tracker.resolvedEndMs() != NEVER && windowEndMs - tracker.resolvedEndMs() < windowMs;
        State target = switch (tracker.state()) {
            case OK -> after.observedOver() >= enterWindows ? State.VIOLATION
                    : after.predictedOver() >= enterWindows && !resolvedWithinAWindow ? State.IMPENDING : State.OK;
            case IMPENDING -> after.observedOver() >= enterWindows ? State.VIOLATION
                    : clearForAWindow ? State.OK : State.IMPENDING;
            case VIOLATION -> clearForAWindow ? State.OK
                    : after.observedWithin() >= exitWindows && verdict.predictedOver() ? State.IMPENDING : State.VIOLATION;
        };
        after = new Tracker(target, after.predictedOver(), after.observedOver(), after.observedWithin(), after.unclearEndMs(),
                target == State.OK && tracker.state() != State.OK ? windowEndMs : tracker.resolvedEndMs());
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
