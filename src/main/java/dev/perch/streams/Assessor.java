package dev.perch.streams;

import dev.perch.telemetry.Samples;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.SloStatistic;
import dev.perch.model.queueing.AcceleratorPrediction;
import dev.perch.model.queueing.AppLatency;
import dev.perch.model.queueing.AppLoad;
import dev.perch.model.queueing.EndToEnd;
import dev.perch.model.queueing.LatencyModels;
import dev.perch.telemetry.AlertRecord;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.DeadLetterRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.InventoryRecord;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.SloEvidence;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Per accelerator, after every admitted report: folds the reporting app's window into what it has
 * learned ({@link Learning}: rate and trend, service and swap time, bias), drops apps that left the
 * accelerator (the apps table places them elsewhere, or they have not reported within the trend
 * span), predicts every app's latency — now, and at the forecast rates {@code horizonSec} ahead —
 * publishes both with the parameters used, and decides through {@link AlertHysteresis} whether the
 * reporting app's SLO alert changes: {@code impending} when the prediction now or at the horizon
 * breaks the SLO (with the estimated seconds until it does), {@code violation} when observed latency
 * does.
 *
 * <p>Observed latency for an SLO on the mean is the request-weighted mean of the last
 * {@code historyMs} of windows; for a percentile, the request-weighted mean of the windows' own
 * percentiles (an approximation: windows do not carry their samples).
 */
final class Assessor implements Processor<String, Object, String, Object> {
    static final String STATE_STORE = "accelerator-state-store";
    private static final int RECENT_REQUESTS = 20;

    private final TopologySettings settings;
    private final Learning learning;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, AcceleratorState> states;
    private ReadOnlyKeyValueStore<String, AppRecord> appsTable;
    private ReadOnlyKeyValueStore<String, InventoryRecord> inventory;

    Assessor(TopologySettings settings) {
        this.settings = settings;
        this.learning = settings.learning();
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.states = context.getStateStore(STATE_STORE);
        this.appsTable = context.getStateStore(PerchTopology.APPS_STORE);
        this.inventory = context.getStateStore(PerchTopology.INVENTORY_STORE);
    }

    /** One app's inputs to the models, as learned. */
    private record Modelled(AcceleratorState.AppHistory history, Learning.Rate rate, Learning.Service service) {
    }

    /**
     * A report that passed validation but cannot be assessed (a bug, or inputs no model accepts)
     * becomes a dead letter with the reason, and the stream thread goes on: one report never stops
     * the topology.
     */
    @Override
    public void process(Record<String, Object> record) {
        TelemetryReport report = (TelemetryReport) record.value();
        try {
            assess(record, report);
        } catch (RuntimeException e) {
            var source = context.recordMetadata().orElse(null);
            DeadLetterRecord letter = DeadLetterRecord.of("assessment failed: " + e,
                    source == null ? Topics.TELEMETRY : source.topic(), source == null ? -1 : source.partition(),
                    source == null ? -1 : source.offset(), context.currentSystemTimeMs(), Json.writeBytes(report));
            context.forward(new Record<>(record.key(), (Object) letter, record.timestamp()), PerchTopology.DLQ_SINK);
        }
    }

    private void assess(Record<String, Object> record, TelemetryReport report) {
        AcceleratorState state = states.get(report.accelerator());
        Map<String, AcceleratorState.AppHistory> apps = state == null ? new LinkedHashMap<>() : new LinkedHashMap<>(state.apps());

        AcceleratorState.AppHistory previous = apps.get(report.app());
        AcceleratorState.Window window = window(report);
        List<AcceleratorState.Window> windows = previous == null ? new ArrayList<>() : new ArrayList<>(previous.windows());
        windows.add(window);
        windows.sort(Comparator.comparingLong(AcceleratorState.Window::windowStartMs));
        long horizonMs = windows.get(windows.size() - 1).windowEndMs() - settings.trendMs();
        windows.removeIf(w -> w.windowEndMs() <= horizonMs);
        Learned learned = previous == null ? seed(report.app()) : previous.learned();
        learned = learning.observe(learned, window, windows);
        AlertHysteresis.Tracker tracker = previous == null ? AlertHysteresis.Tracker.INITIAL : previous.alert();
        apps.put(report.app(), new AcceleratorState.AppHistory(report.app(), report.model(), windows, learned, tracker));

        apps.values().removeIf(history -> !history.app().equals(report.app()) && leftAccelerator(history, report));

        AcceleratorType type = AcceleratorType.parse(report.acceleratorType());
        List<Modelled> modelled = new ArrayList<>();
        List<AcceleratorState.AppHistory> unknown = new ArrayList<>();
        for (AcceleratorState.AppHistory history : apps.values()) {
            ModelProfile prior = settings.catalog().profile(history.model(), type).orElse(null);
            Learning.Service service = learning.service(history.learned(), prior, type);
            if ("none".equals(service.source())) {
                unknown.add(history);
            } else {
                modelled.add(new Modelled(history, learning.rate(history.learned(), history.windows()), service));
            }
        }
        InventoryRecord node = inventory.get(report.node());
        EndToEnd path = node == null ? EndToEnd.NONE
                : new EndToEnd(node.networkMs(), node.frontendServiceMs(), settings.frontendCv());
        AcceleratorPrediction now = LatencyModels.predict(type, loads(modelled, 0), path);
        AcceleratorPrediction ahead = LatencyModels.predict(type, loads(modelled, settings.horizonSec()), path);

        PredictionRecord prediction = prediction(report, modelled, unknown, now, ahead);
        context.forward(new Record<>(report.accelerator(), prediction, record.timestamp()), PerchTopology.PREDICTIONS_SINK);

        // The reporting app: its bias, then its alert.
        AcceleratorState.AppHistory mine = apps.get(report.app());
        int index = indexOf(modelled, report.app());
        if (index >= 0 && now instanceof AcceleratorPrediction.Stable stable && report.requests() > 0) {
            Double observedMean = report.latencyMs() == null ? null : report.latencyMs().mean();
            mine = withLearned(mine, learning.withBias(mine.learned(), observedMean, stable.apps().get(index).meanMs(),
                    report.requests()));
        }
        AppRecord spec = appsTable.get(report.app());
        if (spec != null && index >= 0) {
            mine = assess(report, spec, mine, modelled, prediction, path, type, record.timestamp());
        }
        apps.put(report.app(), mine);
        states.put(report.accelerator(), new AcceleratorState(report.accelerator(), report.acceleratorType(), report.node(), apps));
    }

    /** An app new to this accelerator starts from the rate it learned before its move, if the controller passed one. */
    private Learned seed(String app) {
        AppRecord spec = appsTable.get(app);
        return spec != null && spec.learnedRatePerSec() != null ? learning.seeded(spec.learnedRatePerSec()) : Learned.EMPTY;
    }

    private boolean leftAccelerator(AcceleratorState.AppHistory history, TelemetryReport now) {
        long lastEnd = history.windows().isEmpty() ? Long.MIN_VALUE : history.windows().get(history.windows().size() - 1).windowEndMs();
        if (lastEnd <= now.windowEndMs() - settings.trendMs()) {
            return true;
        }
        AppRecord spec = appsTable.get(history.app());
        return spec != null && spec.accelerator() != null && !spec.accelerator().equals(now.accelerator());
    }

    private static List<AppLoad> loads(List<Modelled> modelled, double horizonSec) {
        List<AppLoad> loads = new ArrayList<>(modelled.size());
        for (Modelled m : modelled) {
            loads.add(new AppLoad(m.history().app(), m.history().model(), m.rate().forecast(horizonSec),
                    m.service().serviceMs(), m.service().swapMs(), m.service().serviceCv()));
        }
        return loads;
    }

    private PredictionRecord prediction(TelemetryReport report, List<Modelled> modelled,
                                        List<AcceleratorState.AppHistory> unknown, AcceleratorPrediction now,
                                        AcceleratorPrediction ahead) {
        List<PredictionRecord.AppPrediction> out = new ArrayList<>();
        for (int i = 0; i < modelled.size(); i++) {
            Modelled m = modelled.get(i);
            double bias = learning.biasFactor(m.history().learned());
            AppLatency current = now instanceof AcceleratorPrediction.Stable s ? s.apps().get(i) : null;
            AppLatency future = ahead instanceof AcceleratorPrediction.Stable s ? s.apps().get(i) : null;
            PredictionRecord.Forecast forecast = new PredictionRecord.Forecast(settings.horizonSec(),
                    Samples.round(m.rate().forecast(settings.horizonSec())), scaled(future, AppLatency::meanMs, bias),
                    scaled(future, AppLatency::p50Ms, bias), scaled(future, AppLatency::p95Ms, bias),
                    scaled(future, AppLatency::p99Ms, bias));
            out.add(appPrediction(m.history(), m.rate().ratePerSec(), Samples.round(m.rate().slopePerSec2()),
                    Samples.round(m.service().serviceMs()), Samples.round(m.service().swapMs()), Samples.round(m.service().serviceCv()),
                    m.service().source(), Samples.round(bias), current, bias, forecast));
        }
        for (AcceleratorState.AppHistory history : unknown) {
            out.add(appPrediction(history, learning.rate(history.learned(), history.windows()).ratePerSec(), null, null,
                    null, null, "none", null, null, 1, null));
        }
        String reason = now instanceof AcceleratorPrediction.Unstable unstable ? unstable.reason() : null;
        return new PredictionRecord(PredictionRecord.SCHEMA, report.accelerator(), report.acceleratorType(), report.node(),
                report.windowStartMs(), report.windowEndMs(), Samples.round(now.utilization()),
                now instanceof AcceleratorPrediction.Stable, reason, out);
    }

    private PredictionRecord.AppPrediction appPrediction(AcceleratorState.AppHistory history, double rate, Double slope,
                                                         Double serviceMs, Double swapMs, Double cv, String source,
                                                         Double biasFactor, AppLatency latency, double bias,
                                                         PredictionRecord.Forecast forecast) {
        AppRecord spec = appsTable.get(history.app());
        Double sloMs = spec == null ? null : spec.sloMs();
        String statistic = spec == null ? null : statistic(spec).id();
        Boolean sloMet = null;
        if (spec != null && !"none".equals(source)) {
            sloMet = latency != null && latency.statistic(statistic(spec)) * bias <= spec.sloMs();
        }
        List<AcceleratorState.Window> recent = recent(history.windows());
        return PredictionRecord.AppPrediction.builder()
                .app(history.app()).model(history.model())
                .ratePerSec(Samples.round(rate)).slopePerSec2(slope)
                .serviceMs(serviceMs).swapMs(swapMs).serviceCv(cv).parameterSource(source).biasFactor(biasFactor)
                .meanMs(scaled(latency, AppLatency::meanMs, bias)).p50Ms(scaled(latency, AppLatency::p50Ms, bias))
                .p95Ms(scaled(latency, AppLatency::p95Ms, bias)).p99Ms(scaled(latency, AppLatency::p99Ms, bias))
                .forecast(forecast)
                .observedMeanMs(Samples.round(weightedMean(recent, AcceleratorState.Window::meanMs)))
                .observedP95Ms(Samples.round(weightedMean(recent, AcceleratorState.Window::p95Ms)))
                .observedRecentMeanMs(Samples.round(recentRequestsMean(history.windows())))
                .sloMs(sloMs).sloStatistic(statistic).sloMet(sloMet)
                .build();
    }

    private AcceleratorState.AppHistory assess(TelemetryReport report, AppRecord spec, AcceleratorState.AppHistory history,
                                               List<Modelled> modelled, PredictionRecord prediction, EndToEnd path,
                                               AcceleratorType type, long timestamp) {
        SloStatistic statistic = statistic(spec);
        PredictionRecord.AppPrediction mine = prediction.apps().stream()
                .filter(a -> a.app().equals(report.app())).findFirst().orElseThrow();
        Double predictedMs = SloEvidence.predicted(mine, statistic);
        Double forecastMs = SloEvidence.forecast(mine.forecast(), statistic);
        boolean overNow = SloEvidence.overNow(prediction, mine, statistic, spec.sloMs());
        boolean overAhead = SloEvidence.overAhead(mine.forecast(), statistic, spec.sloMs());
        boolean predictedOver = overNow || overAhead;
        Double observedMs = Samples.round(observed(recent(history.windows()), statistic));
        boolean observedOver = report.requests() > 0 && observedMs != null && observedMs > spec.sloMs();

        AlertHysteresis.Step step = settings.hysteresis().next(history.alert(), predictedOver, observedOver);
        if (step.emit() != null) {
            Double secondsToViolation = AlertRecord.IMPENDING.equals(step.emit())
                    ? (overNow ? 0.0 : secondsToViolation(report.app(), modelled, path, type, spec, statistic,
                    learning.biasFactor(history.learned())))
                    : null;
            String why = switch (step.emit()) {
                case AlertRecord.IMPENDING -> !prediction.stable()
                        ? "predicted unstable: " + prediction.reason()
                        : String.format("predicted %s %s %s the %.0f ms SLO at %.2f req/s%s; observed %s", statistic,
                        overNow ? fmt(predictedMs) + " ms" : forecastMs == null ? "unstable" : fmt(forecastMs) + " ms",
                        overNow ? "over" : "within " + fmt(secondsToViolation) + " s, over", spec.sloMs(),
                        overNow ? mine.ratePerSec() : mine.forecast().ratePerSec(),
                        mine.slopePerSec2() != null && mine.slopePerSec2() != 0
                                ? String.format(" (rising %.2f req/s per s)", mine.slopePerSec2()) : "",
                        observedMs == null ? "none" : fmt(observedMs) + " ms");
                case AlertRecord.VIOLATION -> String.format("observed %s %s ms over the %.0f ms SLO", statistic,
                        fmt(observedMs), spec.sloMs());
                default -> String.format("back within the %.0f ms %s SLO", spec.sloMs(), statistic);
            };
            AlertRecord alert = new AlertRecord(AlertRecord.SCHEMA,
                    report.app() + ":" + report.windowEndMs() + ":" + step.emit(), step.emit(), report.app(),
                    report.accelerator(), report.node(), spec.sloMs(), statistic.id(), predictedMs, forecastMs,
                    secondsToViolation, observedMs, report.windowEndMs(), why);
            context.forward(new Record<>(report.app(), alert, timestamp), PerchTopology.ALERTS_SINK);
        }
        return new AcceleratorState.AppHistory(history.app(), history.model(), history.windows(), history.learned(),
                step.tracker());
    }

    /** Earliest time within the horizon at which the app's predicted statistic crosses its SLO (bisection). */
    private Double secondsToViolation(String app, List<Modelled> modelled, EndToEnd path, AcceleratorType type,
                                      AppRecord spec, SloStatistic statistic, double bias) {
        int index = indexOf(modelled, app);
        double low = 0;
        double high = settings.horizonSec();
        for (int i = 0; i < 8; i++) {
            double mid = (low + high) / 2;
            AcceleratorPrediction at = LatencyModels.predict(type, loads(modelled, mid), path);
            boolean over = !(at instanceof AcceleratorPrediction.Stable s)
                    || s.apps().get(index).statistic(statistic) * bias > spec.sloMs();
            if (over) {
                high = mid;
            } else {
                low = mid;
            }
        }
        return Samples.round(high);
    }

    private List<AcceleratorState.Window> recent(List<AcceleratorState.Window> windows) {
        if (windows.isEmpty()) {
            return windows;
        }
        long from = windows.get(windows.size() - 1).windowEndMs() - settings.historyMs();
        return windows.stream().filter(w -> w.windowEndMs() > from).toList();
    }

    /** Mean latency of the most recent windows that hold at least {@value #RECENT_REQUESTS} requests. */
    private static Double recentRequestsMean(List<AcceleratorState.Window> windows) {
        double sum = 0;
        long count = 0;
        for (int i = windows.size() - 1; i >= 0 && count < RECENT_REQUESTS; i--) {
            AcceleratorState.Window w = windows.get(i);
            if (w.requests() > 0 && w.meanMs() != null) {
                sum += w.meanMs() * w.requests();
                count += w.requests();
            }
        }
        return count == 0 ? null : sum / count;
    }

    private static int indexOf(List<Modelled> modelled, String app) {
        for (int i = 0; i < modelled.size(); i++) {
            if (modelled.get(i).history().app().equals(app)) {
                return i;
            }
        }
        return -1;
    }

    private static AcceleratorState.AppHistory withLearned(AcceleratorState.AppHistory history, Learned learned) {
        return new AcceleratorState.AppHistory(history.app(), history.model(), history.windows(), learned, history.alert());
    }

    private static SloStatistic statistic(AppRecord spec) {
        return SloStatistic.fromId(spec.sloStatistic()).orElse(SloStatistic.DEFAULT);
    }

    private static Double observed(List<AcceleratorState.Window> windows, SloStatistic statistic) {
        return switch (statistic) {
            case MEAN -> weightedMean(windows, AcceleratorState.Window::meanMs);
            case P50 -> weightedMean(windows, AcceleratorState.Window::p50Ms);
            case P95 -> weightedMean(windows, AcceleratorState.Window::p95Ms);
            case P99 -> weightedMean(windows, AcceleratorState.Window::p99Ms);
        };
    }

    /** Mean of a per-window figure weighted by each window's requests; null when no window has it. */
    static Double weightedMean(List<AcceleratorState.Window> windows, Function<AcceleratorState.Window, Double> figure) {
        double sum = 0;
        long weight = 0;
        for (AcceleratorState.Window window : windows) {
            Double value = figure.apply(window);
            if (value != null && window.requests() > 0) {
                sum += value * window.requests();
                weight += window.requests();
            }
        }
        return weight == 0 ? null : sum / weight;
    }

    private static AcceleratorState.Window window(TelemetryReport report) {
        var latency = report.latencyMs();
        return new AcceleratorState.Window(report.windowStartMs(), report.windowEndMs(), report.requests(),
                latency == null ? null : latency.mean(), latency == null ? null : latency.p50(),
                latency == null ? null : latency.p95(), latency == null ? null : latency.p99(),
                report.serviceMs() == null ? null : report.serviceMs().mean(), report.swaps());
    }

    private static Double scaled(AppLatency latency, Function<AppLatency, Double> figure, double factor) {
        return latency == null ? null : Samples.round(figure.apply(latency) * factor);
    }

    private static String fmt(Double value) {
        return value == null ? "?" : String.format("%.1f", value);
    }
}
