package dev.perch.runtime;

import dev.perch.cluster.ClusterSnapshot;
import dev.perch.cluster.ClusterView;
import dev.perch.cluster.RunningApp;
import dev.perch.controller.Reconciler;
import dev.perch.telemetry.AlertRecord;
import dev.perch.telemetry.PredictionRecord;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What operators watch, as Prometheus gauges (served at {@code /q/metrics}; the dashboards in
 * {@code dashboards/} and the alert rules in {@code deploy/monitoring/} read exactly these names):
 * <ul>
 *   <li>per app, from the topology's predictions: the predicted latency and the observed one over
 *   the app's SLO window, its SLO (with the window, a label) and whether it is met, its window
 *   compliance on its accelerator (judged seconds, those over the SLO, and 1 − their ratio), its
 *   learned rate, and where it runs (an info series, 1, whose labels say the accelerator and node;
 *   an app that moved loses its old one, an app that is gone all of them: {@link #retainOnly});</li>
 *   <li>per accelerator: the predicted utilisation;</li>
 *   <li>for the cluster, read from the cluster view on each scrape: apps, apps that run nowhere,
 *   migrations in flight, accelerators held after a failed move, and whether this replica leads.</li>
 * </ul>
 * A latency the models cannot give (an unstable accelerator) is NaN, so a graph shows a gap rather
 * than a stale number. Counters of decisions and alerts are counted where they happen
 * ({@link #DECISIONS}, {@link #ALERTS}).
 * <p>
 * Micrometer stays at the edge, in the process wiring: the controller's decision code knows no
 * metrics library; this class reads what the {@link Reconciler} and the predictions already say.
 */
public final class SloMetrics {
    public static final String PREDICTED_LATENCY = "perch_app_predicted_latency_ms";
    public static final String OBSERVED_LATENCY = "perch_app_observed_latency_ms";
    public static final String SLO = "perch_app_slo_ms";
    public static final String SLO_MET = "perch_app_slo_met";
    /** Seconds judged against the SLO on the app's accelerator (once it has run a whole window there). */
    public static final String JUDGED_SECONDS = "perch_app_window_judged_seconds";
    /** Judged seconds whose window statistic was over the SLO. */
    public static final String VIOLATION_SECONDS = "perch_app_window_violation_seconds";
    /** 1 − violation seconds / judged seconds: the share of the app's windows within its SLO. */
    public static final String WINDOW_COMPLIANCE = "perch_app_window_compliance";
    public static final String RATE = "perch_app_rate_per_sec";
    public static final String PLACEMENT = "perch_app_placement_info";
    public static final String UTILIZATION = "perch_accelerator_utilization";
    public static final String APPS = "perch_apps";
    public static final String APPS_UNPLACED = "perch_apps_unplaced";
    public static final String MIGRATIONS_IN_FLIGHT = "perch_migrations_in_flight";
    public static final String LEADER = "perch_controller_leader";
    /** Accelerators that take no app for a while because a move to them was rolled back. */
    public static final String ACCELERATORS_HELD = "perch_accelerators_held";
    /** Counter of the controller's decisions, by {@code action} and {@code result} ({@code none} when nothing was applied). */
    public static final String DECISIONS = "perch_decisions_total";
    /** Counter of the alerts the controller received, by {@code kind}. */
    public static final String ALERTS = "perch_alerts_received_total";

    /** Every name above: what the dashboards and alert rules may use. */
    public static final List<String> NAMES = List.of(PREDICTED_LATENCY, OBSERVED_LATENCY, SLO, SLO_MET, JUDGED_SECONDS,
            VIOLATION_SECONDS, WINDOW_COMPLIANCE, RATE, PLACEMENT, UTILIZATION, APPS, APPS_UNPLACED, MIGRATIONS_IN_FLIGHT,
            LEADER, ACCELERATORS_HELD, DECISIONS, ALERTS);

    private final MeterRegistry registry;
    /**
     * Every gauge this records, by name and tags, with its value — held here because a Micrometer
     * gauge keeps only a weak reference to its state, and looked up here so that a prediction window
     * registers nothing that is registered already.
     */
    private final Map<Series, Held> series = new ConcurrentHashMap<>();
    private final Map<String, Labelled> placementOf = new ConcurrentHashMap<>();
    private final Map<String, Labelled> sloOf = new ConcurrentHashMap<>();
    /** Per app, the value holders of its {@link Fixed} gauges, as registered in {@link #series}. */
    private final Map<String, AtomicReference<Double>[]> fixedOf = new ConcurrentHashMap<>();

    /** A gauge's name and tags (key, value, key, value, …). */
    private record Series(String name, List<String> tags) {
        String app() {
            for (int i = 0; i + 1 < tags.size(); i += 2) {
                if (tags.get(i).equals("app")) {
                    return tags.get(i + 1);
                }
            }
            return null;
        }
    }

    private record Held(Meter.Id id, AtomicReference<Double> value) {
    }

    /**
     * An app's gauge whose labels may change (its SLO's, its placement's): the labels it was made
     * with, its series and its value. While the labels stay, a window's value is set here, without
     * building and looking up the series in the map of every series (profiled at 10,000 apps).
     */
    private record Labelled(List<String> tags, Series series, AtomicReference<Double> value) {
    }

    /**
     * Registers the counters of decisions and alerts at zero, one series for each action and result
     * a decision can have ({@code ApplyResult#kind}, {@code failed}, {@code none}) and each alert
     * kind: a counter series that first appears already at 1 shows no rise to {@code rate()} or
     * {@code increase()}, so the first move, or the first failed step, would never show or alert.
     */
    public SloMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (String action : List.of("place", "move")) {
            for (String result : List.of("created", "patched", "unchanged", "failed", "none")) {
                registry.counter(DECISIONS, "action", action, "result", result);
            }
        }
        registry.counter(DECISIONS, "action", "none", "result", "none");
        for (String result : List.of("deleted", "unchanged", "failed", "none")) {
            registry.counter(DECISIONS, "action", "remove", "result", result); // a model learned on probation too slow for its SLO
        }
        for (String kind : List.of(AlertRecord.IMPENDING, AlertRecord.VIOLATION, AlertRecord.RESOLVED)) {
            registry.counter(ALERTS, "kind", kind);
        }
    }

    /** The cluster gauges, computed from {@code view} on each scrape. */
    public void watch(ClusterView view, Reconciler reconciler) {
        Gauge.builder(APPS, view, v -> v.snapshot().apps().size())
                .description("InferenceApps the controller knows").register(registry);
        Gauge.builder(APPS_UNPLACED, view, v -> count(v.snapshot(), a -> a.accelerator().isEmpty() && !a.moving()))
                .description("apps that run on no accelerator (no accelerator keeps every SLO with them, or not placed yet)")
                .register(registry);
        Gauge.builder(MIGRATIONS_IN_FLIGHT, view, v -> count(v.snapshot(), a -> a.moving()))
                .description("make-before-break moves started and not yet finished").register(registry);
        Gauge.builder(LEADER, reconciler, r -> r.active() ? 1 : 0)
                .description("1 when this replica leads and decides, else 0").register(registry);
        Gauge.builder(ACCELERATORS_HELD, reconciler, r -> r.heldAccelerators().size())
                .description("accelerators that take no app: a move to them was rolled back in the last 10 minutes")
                .register(registry);
    }

    private static long count(ClusterSnapshot snapshot, java.util.function.Predicate<RunningApp> which) {
        return snapshot.apps().stream().filter(which).count();
    }

    /** The gauges of one prediction window. */
    public void record(PredictionRecord prediction) {
        set(UTILIZATION, prediction.utilization(), "predicted utilisation of the accelerator",
                "accelerator", prediction.accelerator(), "type", String.valueOf(prediction.acceleratorType()),
                "node", String.valueOf(prediction.node()));
        for (PredictionRecord.AppPrediction app : prediction.apps()) {
            String id = app.app();
            AtomicReference<Double>[] fixed = fixedOf.computeIfAbsent(id, k -> newFixed());
            setFixed(fixed, Fixed.PREDICTED_MEAN, id, app.meanMs());
            setFixed(fixed, Fixed.PREDICTED_P95, id, app.p95Ms());
            setFixed(fixed, Fixed.PREDICTED_P99, id, app.p99Ms());
            setFixed(fixed, Fixed.OBSERVED_MEAN, id, app.observedMeanMs());
            setFixed(fixed, Fixed.OBSERVED_P95, id, app.observedP95Ms());
            if (app.sloStatistic() != null && !List.of("mean", "p95").contains(app.sloStatistic())) {
                set(OBSERVED_LATENCY, app.observedWindowMs(), OBSERVED_WHAT, "app", id, "statistic", app.sloStatistic());
            }
            setFixed(fixed, Fixed.RATE, id, app.ratePerSec());
            if (app.sloMs() != null && app.sloStatistic() != null) {
                setLabelled(sloOf, id, SLO, app.sloMs(), "the app's SLO, on its statistic over its window", "app", id,
                        "statistic", app.sloStatistic(), "window_sec",
                        app.sloWindowSec() == null ? "" : String.valueOf(app.sloWindowSec()));
            }
            if (app.sloMet() != null) {
                setFixed(fixed, Fixed.SLO_MET, id, app.sloMet() ? 1.0 : 0.0);
            }
            if (app.judgedSeconds() != null && app.violationSeconds() != null) {
                setFixed(fixed, Fixed.JUDGED_SECONDS, id, (double) app.judgedSeconds());
                setFixed(fixed, Fixed.VIOLATION_SECONDS, id, (double) app.violationSeconds());
                setFixed(fixed, Fixed.WINDOW_COMPLIANCE, id,
                        app.judgedSeconds() == 0 ? null : 1 - (double) app.violationSeconds() / app.judgedSeconds());
            }
            setLabelled(placementOf, id, PLACEMENT, 1.0, "where the app runs (labels accelerator, node)", "app", id,
                    "accelerator", prediction.accelerator(), "node", String.valueOf(prediction.node()));
        }
    }

    private static final String OBSERVED_WHAT = "observed latency over the app's SLO window";

    /** Keeps one series per app in {@code byApp}: one with other labels (a move, a new window) drops the old. */
    private void setLabelled(Map<String, Labelled> byApp, String app, String name, Double value, String description,
                             String... tags) {
        Labelled now = byApp.get(app);
        List<String> labels = Arrays.asList(tags);
        if (now == null || !now.tags().equals(labels)) {
            now = labelled(byApp, app, name, description, labels);
        }
        now.value().set(value == null ? Double.NaN : value);
    }

    /**
     * Registers the app's series with these labels and drops the one it had. Under the lock
     * {@link #retainOnly} takes: otherwise a series it forgot could be kept here for the app, and
     * every later window would set a value no registry holds. (A window that sets one just as the
     * app is forgotten sets it once: the next finds no entry and registers afresh.)
     */
    private synchronized Labelled labelled(Map<String, Labelled> byApp, String app, String name, String description,
                                           List<String> labels) {
        Series key = new Series(name, List.copyOf(labels));
        Labelled made = new Labelled(labels, key, held(key, description).value());
        Labelled before = byApp.put(app, made);
        if (before != null && !before.series().equals(key)) {
            forget(before.series());
        }
        return made;
    }

    /**
     * Drops the series of apps that are gone (an InferenceApp deleted), so that neither a dashboard
     * nor an alert rule keeps showing their last values.
     */
    public synchronized void retainOnly(java.util.Set<String> apps) {
        for (Series gauge : List.copyOf(series.keySet())) {
            String app = gauge.app();
            if (app != null && !apps.contains(app)) {
                forget(gauge);
                placementOf.remove(app);
                sloOf.remove(app);
                fixedOf.remove(app);
            }
        }
    }

    private void forget(Series gauge) {
        Held held = series.remove(gauge);
        if (held != null) {
            registry.remove(held.id());
        }
    }

    private Series set(String name, Double value, String description, String... tags) {
        Series key = new Series(name, List.of(tags));
        held(key, description).value().set(value == null ? Double.NaN : value);
        return key;
    }

    private Held held(Series key, String description) {
        return series.computeIfAbsent(key, k -> {
            AtomicReference<Double> holder = new AtomicReference<>(Double.NaN);
            Gauge gauge = Gauge.builder(k.name(), holder, AtomicReference::get).description(description)
                    .tags(Tags.of(k.tags().toArray(String[]::new))).register(registry);
            return new Held(gauge.getId(), holder);
        });
    }

    /**
     * An app's gauges whose labels never change, each registered on its first value and then held
     * per app: the inbox takes a prediction of every app each second, and one lookup per app replaces
     * ten of name and labels in the map of every series (ten thousand apps: over a hundred thousand).
     */
    private enum Fixed {
        PREDICTED_MEAN(PREDICTED_LATENCY, "predicted latency", "mean"),
        PREDICTED_P95(PREDICTED_LATENCY, "predicted latency", "p95"),
        PREDICTED_P99(PREDICTED_LATENCY, "predicted latency", "p99"),
        OBSERVED_MEAN(OBSERVED_LATENCY, OBSERVED_WHAT, "mean"),
        OBSERVED_P95(OBSERVED_LATENCY, OBSERVED_WHAT, "p95"),
        RATE(SloMetrics.RATE, "learned request rate", null),
        SLO_MET(SloMetrics.SLO_MET, "1 when the prediction and the statistic over the app's SLO window are within the SLO, else 0", null),
        JUDGED_SECONDS(SloMetrics.JUDGED_SECONDS, "seconds judged against the SLO on the app's accelerator (after a whole window there)", null),
        VIOLATION_SECONDS(SloMetrics.VIOLATION_SECONDS, "judged seconds over the SLO", null),
        WINDOW_COMPLIANCE(SloMetrics.WINDOW_COMPLIANCE, "share of the app's judged seconds whose window was within the SLO", null);

        final String metric;
        final String description;
        final String statistic;

        Fixed(String metric, String description, String statistic) {
            this.metric = metric;
            this.description = description;
            this.statistic = statistic;
        }

        Series series(String app) {
            return new Series(metric, statistic == null ? List.of("app", app) : List.of("app", app, "statistic", statistic));
        }
    }

    @SuppressWarnings("unchecked")
    private static AtomicReference<Double>[] newFixed() {
        return new AtomicReference[Fixed.values().length];
    }

    private void setFixed(AtomicReference<Double>[] fixed, Fixed which, String app, Double value) {
        AtomicReference<Double> holder = fixed[which.ordinal()];
        if (holder == null) {
            holder = held(which.series(app), which.description).value();
            fixed[which.ordinal()] = holder;
        }
        holder.set(value == null ? Double.NaN : value);
    }
}
