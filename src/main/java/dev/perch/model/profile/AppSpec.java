package dev.perch.model.profile;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * An inference app as its owner declares it: the model it serves, the request rate it expects, its
 * latency SLO — a bound on one statistic of its latency over a sliding window of {@code sloWindowSec}
 * seconds — and optionally how its load changes over time, the accelerator it already runs on
 * when a scenario starts ({@code runningOn}, null when it is still to be placed) — a cluster is
 * seldom empty, and an experiment may start from a given placement — and where its owner pins it
 * ({@code pinnedTo}: an accelerator id or a node; Perch places it there and never moves it), and
 * the accelerator types its owner built it for ({@code acceleratorTypes}; empty: any type its
 * model has a profile for, or, for a model nobody profiled, any type of the cluster).
 */
public record AppSpec(String app, String model, double ratePerSec, double sloMs, SloStatistic sloStatistic,
                      int sloWindowSec, LoadTimeline load, String runningOn, String pinnedTo,
                      Set<AcceleratorType> acceleratorTypes) {
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

    /** An app its owner built for every accelerator type. */
    public AppSpec(String app, String model, double ratePerSec, double sloMs, SloStatistic sloStatistic,
                   int sloWindowSec, LoadTimeline load, String runningOn, String pinnedTo) {
        this(app, model, ratePerSec, sloMs, sloStatistic, sloWindowSec, load, runningOn, pinnedTo, Set.of());
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
        return new AppSpec(app, model, ratePerSec, sloMs, sloStatistic, seconds, load, runningOn, pinnedTo,
                acceleratorTypes);
    }

    /** The same app, built only for {@code types} (empty: every type). */
    public AppSpec withAcceleratorTypes(Set<AcceleratorType> types) {
        return new AppSpec(app, model, ratePerSec, sloMs, sloStatistic, sloWindowSec, load, runningOn, pinnedTo, types);
    }

    /** Whether its owner built the app for {@code type}. */
    public boolean mayRunOn(AcceleratorType type) {
        return acceleratorTypes.isEmpty() || acceleratorTypes.contains(type);
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
        acceleratorTypes = acceleratorTypes == null || acceleratorTypes.isEmpty() ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf(acceleratorTypes));
        windowProblem(sloWindowSec).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
    }

    /** The app's request rate at {@code timeSec} of simulated time. */
    public double rateAt(double timeSec) {
        return load.rateAt(ratePerSec, timeSec);
    }
}
