package dev.perch.controller.history;

import dev.perch.model.profile.SloStatistic;
import dev.perch.telemetry.AlertRecord;
import dev.perch.telemetry.Confidence;
import dev.perch.telemetry.DecisionRecord;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.SloEvidence;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The live view's recent past, in memory: every app's SLO statistic (predicted with its 95 % interval,
 * forecast, observed) and rate, every accelerator's utilisation, from {@code perch.predictions.v1}; and every app's alerts
 * and this replica's decisions touching it. A read model beside {@code LiveRates}: the inbox and the
 * outputs write it, the API reads it.
 * <p>
 * Bounded: per app and per accelerator at most one point a second and {@link #POINTS_PER_KEY} points
 * (an hour at one a second); at most {@code appPoints} app points and {@code acceleratorPoints}
 * accelerator points in all (about 44 and 24 bytes each: 1,000,000 app points take some 44 MB); per
 * app at most {@link #EVENTS_PER_APP} events and {@code events} in all. Past a bound the oldest
 * points or events written go first. At 10,000 apps reporting every second this is on the inbox's
 * hot path, so a point is a slot in primitive arrays ({@link SeriesRing}), not an object.
 * <p>
 * Thread-safe: the inbox writes from its thread while HTTP requests read.
 */
public final class LiveHistory {
    public static final int POINTS_PER_KEY = 3600;
    public static final int EVENTS_PER_APP = 100;
    /** The kind of an event that is another app's decision touching this one's accelerator. */
    public static final String NEIGHBOUR = "neighbour";

    private static final int PREDICTED = 0;
    private static final int FORECAST = 1;
    private static final int OBSERVED = 2;
    private static final int RATE = 3;
    private static final int PREDICTED_LOW95 = 4;
    private static final int PREDICTED_HIGH95 = 5;
    private static final int UTILIZATION = 0;

    private final SeriesRing apps;
    private final SeriesRing accelerators;
    private final EventLog events;
    /** Accelerator ids by the index an app point's tag holds: as many as the cluster has had. */
    private final List<String> acceleratorIds = new ArrayList<>();
    private final Map<String, Integer> acceleratorIndex = new HashMap<>();

    public LiveHistory(int appPoints, int acceleratorPoints, int events) {
        this(appPoints, acceleratorPoints, events, POINTS_PER_KEY, EVENTS_PER_APP);
    }

    /** With other per-key bounds, so that tests can reach them without an hour of points. */
    LiveHistory(int appPoints, int acceleratorPoints, int events, int pointsPerKey, int eventsPerApp) {
        this.apps = new SeriesRing(appPoints, pointsPerKey, 6);
        this.accelerators = new SeriesRing(acceleratorPoints, pointsPerKey, 1);
        this.events = new EventLog(eventsPerApp, events);
    }

    /** One prediction window: a point for its accelerator and for every app in it. */
    public synchronized void record(PredictionRecord prediction) {
        long atMs = prediction.windowEndMs();
        int slot = accelerators.append(prediction.accelerator(), atMs, prediction.stable() ? 1 : 0);
        if (slot >= 0) {
            accelerators.set(slot, UTILIZATION, prediction.utilization());
        }
        if (prediction.apps() == null || prediction.apps().isEmpty()) {
            return;
        }
        int accelerator = acceleratorIndex(prediction.accelerator());
        for (PredictionRecord.AppPrediction app : prediction.apps()) {
            slot = apps.append(app.app(), atMs, accelerator);
            if (slot < 0) {
                continue;
            }
            SloStatistic statistic = SloStatistic.fromId(app.sloStatistic()).orElse(SloStatistic.DEFAULT);
            apps.set(slot, PREDICTED, SloEvidence.predicted(app, statistic));
            apps.set(slot, FORECAST, SloEvidence.forecast(app.forecast(), statistic));
            apps.set(slot, OBSERVED, SloEvidence.observed(app, statistic));
            apps.set(slot, RATE, app.ratePerSec());
            Confidence.Interval interval = SloEvidence.predictedInterval(app, statistic);
            apps.set(slot, PREDICTED_LOW95, interval == null ? null : interval.low());
            apps.set(slot, PREDICTED_HIGH95, interval == null ? null : interval.high());
        }
    }

    /** An alert, as an event of its app at its window's end. */
    public synchronized void alert(AlertRecord alert) {
        events.add(alert.app(), new HistoryEvent(alert.windowEndMs(), alert.kind(), alert.reason()));
    }

    /**
     * A decision, as an event of its app ({@code kind} its action) and of every other app it touches
     * (whose predictions it weighed before or after): for those, {@code kind} is {@value #NEIGHBOUR}
     * and the detail starts with the app and action decided on, so that a chart never draws another
     * app's move as this app's.
     */
    public synchronized void decision(DecisionRecord decision) {
        String what = (decision.from() == null ? "nowhere" : decision.from()) + " → "
                + (decision.to() == null ? "nowhere" : decision.to())
                + " [" + (decision.result() == null ? "no action" : decision.result()) + (decision.dryRun() ? ", dry run" : "")
                + "]: " + decision.reason();
        events.add(decision.app(), new HistoryEvent(decision.atMs(), decision.action(), what));
        Set<String> touched = new LinkedHashSet<>();
        for (List<DecisionRecord.Outcome> outcomes : List.of(nullToEmpty(decision.before()), nullToEmpty(decision.after()))) {
            for (DecisionRecord.Outcome outcome : outcomes) {
                touched.add(outcome.app());
            }
        }
        touched.remove(decision.app());
        HistoryEvent theirs = new HistoryEvent(decision.atMs(), NEIGHBOUR, decision.app() + " " + decision.action() + " " + what);
        for (String app : touched) {
            events.add(app, theirs);
        }
    }

    private static List<DecisionRecord.Outcome> nullToEmpty(List<DecisionRecord.Outcome> outcomes) {
        return outcomes == null ? List.of() : outcomes;
    }

    /** The app's points from {@code fromMs} to {@code toMs} inclusive, oldest first. */
    public synchronized List<AppPoint> appPoints(String app, long fromMs, long toMs) {
        int[] slots = apps.slots(app, fromMs, toMs);
        List<AppPoint> points = new ArrayList<>(slots.length);
        for (int slot : slots) {
            points.add(new AppPoint(apps.atMs(slot), apps.value(slot, PREDICTED), apps.value(slot, PREDICTED_LOW95),
                    apps.value(slot, PREDICTED_HIGH95), apps.value(slot, FORECAST), apps.value(slot, OBSERVED),
                    apps.value(slot, RATE), acceleratorIds.get(apps.tag(slot))));
        }
        return points;
    }

    /** The app's events from {@code fromMs} to {@code toMs} inclusive, oldest first. */
    public synchronized List<HistoryEvent> events(String app, long fromMs, long toMs) {
        return events.events(app, fromMs, toMs);
    }

    /** The accelerator's points from {@code fromMs} to {@code toMs} inclusive, oldest first. */
    public synchronized List<AcceleratorPoint> acceleratorPoints(String accelerator, long fromMs, long toMs) {
        int[] slots = accelerators.slots(accelerator, fromMs, toMs);
        List<AcceleratorPoint> points = new ArrayList<>(slots.length);
        for (int slot : slots) {
            points.add(new AcceleratorPoint(accelerators.atMs(slot), accelerators.value(slot, UTILIZATION),
                    accelerators.tag(slot) == 1));
        }
        return points;
    }

    /** Whether anything of the app is held (points or events, of any time). */
    public synchronized boolean knowsApp(String app) {
        return apps.has(app) || events.has(app);
    }

    public synchronized boolean knowsAccelerator(String accelerator) {
        return accelerators.has(accelerator);
    }

    /** App points held now, over all apps. */
    public synchronized int appPointCount() {
        return apps.size();
    }

    /** Accelerator points held now, over all accelerators. */
    public synchronized int acceleratorPointCount() {
        return accelerators.size();
    }

    private int acceleratorIndex(String accelerator) {
        Integer index = acceleratorIndex.get(accelerator);
        if (index == null) {
            index = acceleratorIds.size();
            acceleratorIds.add(accelerator);
            acceleratorIndex.put(accelerator, index);
        }
        return index;
    }
}
