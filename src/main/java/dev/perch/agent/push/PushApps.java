package dev.perch.agent.push;

import dev.perch.agent.AppBinding;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which apps the push receiver takes requests for, in the config's order grouped by accelerator, and
 * from which second each one's idle windows are published. Not thread-safe: the windower's lock
 * guards it.
 *
 * <p>The apps of the config file are bound for good, and reported from the agent's first window on.
 * The apps Perch places on the node ({@code followApps}) come and go with its moves: one bound here
 * is reported from the second of its first request — until then it is not running here yet (a move's
 * record names its target before traffic switches), and idle windows would tell the topology its rate
 * had dropped to nothing. One unbound (moved off the node) still runs here until the move's traffic
 * switch: its requests are taken, under its old binding, for {@link #RETIRING_MS} more, with no idle
 * windows.
 */
final class PushApps {
    /**
     * How long an app moved off the node may still push here: as long as a move may take before the
     * controller rolls it back (the Kubernetes adapter waits 120 s for the new copy to be ready).
     */
    static final long RETIRING_MS = 120_000;
    private static final int LISTED_APPS = 10;

    private final Map<String, AppBinding> bound = new LinkedHashMap<>();
    private final Map<String, List<AppBinding>> byAccelerator = new LinkedHashMap<>();
    /** Absent: the app is bound but has not sent a request yet, so it has no idle windows. */
    private final Map<String, Long> idleFromSecond = new HashMap<>();
    private final Map<String, Retiring> retiring = new HashMap<>();

    private record Retiring(AppBinding binding, long untilMs) {
    }

    /** The config's apps, reported from {@code firstSecond} on. */
    PushApps(List<AppBinding> apps, long firstSecond) {
        bind(apps);
        apps.forEach(a -> idleFromSecond.put(a.app(), firstSecond));
    }

    /**
     * Binds exactly {@code apps} from now on: an app bound as before keeps its windows; one newly
     * bound (or bound to another accelerator) waits for its first request; one no longer bound
     * retires.
     *
     * @throws IllegalArgumentException when an app lacks a field or is listed twice (nothing changes)
     */
    void rebind(List<AppBinding> apps, long nowMs) {
        Map<String, AppBinding> before = new LinkedHashMap<>(bound);
        validate(apps);
        bind(apps);
        for (AppBinding old : before.values()) {
            AppBinding now = bound.get(old.app());
            if (now == null || !now.equals(old)) {
                idleFromSecond.remove(old.app());
                if (now == null) {
                    retiring.put(old.app(), new Retiring(old, nowMs + RETIRING_MS));
                }
            }
        }
        bound.keySet().forEach(retiring::remove);
        retiring.values().removeIf(r -> r.untilMs() <= nowMs);
    }

    /** The binding a request of {@code app} is taken under now, or null when the app is not taken here. */
    AppBinding accepting(String app, long nowMs) {
        AppBinding binding = bound.get(app);
        if (binding != null) {
            return binding;
        }
        Retiring gone = retiring.get(app);
        if (gone != null && gone.untilMs() > nowMs) {
            return gone.binding();
        }
        return null;
    }

    /** A request of a bound app completed in {@code second}: its windows are reported from then on. */
    void requested(String app, long second) {
        if (bound.containsKey(app)) {
            idleFromSecond.merge(app, second, Math::min);
        }
    }

    /** Whether {@code app}'s window of {@code second} is published when it holds no request. */
    boolean reportsIdle(String app, long second) {
        Long from = idleFromSecond.get(app);
        return from != null && second >= from;
    }

    /** The bound apps, grouped by accelerator in the order they were first listed. */
    Collection<List<AppBinding>> byAccelerator() {
        return byAccelerator.values();
    }

    boolean isEmpty() {
        return bound.isEmpty();
    }

    /** For a refusal: which apps are taken here. */
    String known() {
        if (bound.isEmpty()) {
            return "this agent has no push apps";
        }
        String listed = bound.keySet().stream().limit(LISTED_APPS).map(a -> "'" + a + "'").collect(Collectors.joining(", "));
        return "this agent takes pushes for " + listed + (bound.size() > LISTED_APPS ? ", …" : "");
    }

    private void bind(List<AppBinding> apps) {
        bound.clear();
        byAccelerator.clear();
        for (AppBinding app : apps) {
            bound.put(app.app(), app);
            byAccelerator.computeIfAbsent(app.accelerator(), a -> new ArrayList<>()).add(app);
        }
    }

    static void validate(List<AppBinding> apps) {
        Map<String, AppBinding> seen = new HashMap<>();
        for (AppBinding app : apps) {
            if (app.app() == null || app.model() == null || app.accelerator() == null || app.acceleratorType() == null) {
                throw new IllegalArgumentException("push app " + app + ": app, model, accelerator and acceleratorType are required");
            }
            if (seen.putIfAbsent(app.app(), app) != null) {
                throw new IllegalArgumentException("push app '" + app.app() + "' is listed twice");
            }
        }
    }
}
