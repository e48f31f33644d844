package dev.perch.model.profile;

/**
 * An inference app as its owner declares it: the model it serves, the request rate it expects, its
 * latency SLO — a bound on one statistic of its latency over a sliding window of {@code sloWindowSec}
 * seconds — and optionally how its load changes over time, the accelerator it already runs on
 * when a scenario starts ({@code runningOn}, null when it is still to be placed) — a cluster is
 * seldom empty, and an experiment may start from a given placement — and where its owner pins it
 * ({@code pinnedTo}: an accelerator id or a node; Perch places it there and never moves it).
 */
public record AppSpec(String app, String model, double ratePerSec, double sloMs, SloStatistic sloStatistic,
                      int sloWindowSec, LoadTimeline load, String runningOn, String pinnedTo) {
    /** The SLO window when the owner names none. */
    public static final int DEFAULT_SLO_WINDOW_SEC = 60;
    public static final int MIN_SLO_WINDOW_SEC = 1;
    public static final int MAX_SLO_WINDOW_SEC = 3600;

    public AppSpec(String app, String model, double ratePerSec, double sloMs, SloStatistic sloStatistic,
                   LoadTimeline load) {
        this(app, model, ratePerSec, sloMs, sloStatistic, DEFAULT_SLO_WINDOW_SEC, load, null, null);
    }

    public AppSpec(String app, String model, double ratePerSec, double sloMs, SloStatistic sloStatistic,
                   LoadTimeline load, String runningOn) {
        this(app, model, ratePerSec, sloMs, sloStatistic, DEFAULT_SLO_WINDOW_SEC, load, runningOn, null);
    }

    /** Why {@code sloWindowSec} is not a window Perch judges over, in one line; empty when it is. */
    public static java.util.Optional<String> windowProblem(long sloWindowSec) {
        if (sloWindowSec < MIN_SLO_WINDOW_SEC || sloWindowSec > MAX_SLO_WINDOW_SEC) {
            return java.util.Optional.of("sloWindowSec must be a whole number of seconds from " + MIN_SLO_WINDOW_SEC
                    + " to " + MAX_SLO_WINDOW_SEC + ", got " + sloWindowSec);
        }
        return java.util.Optional.empty();
    }

    /** The same app with its SLO judged over {@code seconds}. */
    public AppSpec withSloWindowSec(int seconds) {
        return new AppSpec(app, model, ratePerSec, sloMs, sloStatistic, seconds, load, runningOn, pinnedTo);
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
        windowProblem(sloWindowSec).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
    }

    /** The app's request rate at {@code timeSec} of simulated time. */
    public double rateAt(double timeSec) {
        return load.rateAt(ratePerSec, timeSec);
    }
}
