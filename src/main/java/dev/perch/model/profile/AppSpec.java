package dev.perch.model.profile;

/**
 * An inference app as its owner declares it: the model it serves, the request rate it expects, its
 * latency SLO, and optionally how its load changes over time, the accelerator it already runs on
 * when a scenario starts ({@code runningOn}, null when it is still to be placed) — a cluster is
 * seldom empty, and an experiment may start from a given placement — and where its owner pins it
 * ({@code pinnedTo}: an accelerator id or a node; Perch places it there and never moves it).
 */
public record AppSpec(String app, String model, double ratePerSec, double sloMs, SloStatistic sloStatistic,
                      LoadTimeline load, String runningOn, String pinnedTo) {
    public AppSpec(String app, String model, double ratePerSec, double sloMs, SloStatistic sloStatistic,
                   LoadTimeline load) {
        this(app, model, ratePerSec, sloMs, sloStatistic, load, null, null);
    }

    public AppSpec(String app, String model, double ratePerSec, double sloMs, SloStatistic sloStatistic,
                   LoadTimeline load, String runningOn) {
        this(app, model, ratePerSec, sloMs, sloStatistic, load, runningOn, null);
    }

    public boolean pinned() {
        return pinnedTo != null && !pinnedTo.isBlank();
    }

    public AppSpec {
        if (sloStatistic == null) {
            sloStatistic = SloStatistic.DEFAULT;
        }
        if (load == null) {
            load = LoadTimeline.constant();
        }
    }

    /** The app's request rate at {@code timeSec} of simulated time. */
    public double rateAt(double timeSec) {
        return load.rateAt(ratePerSec, timeSec);
    }
}
