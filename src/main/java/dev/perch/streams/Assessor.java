package dev.perch.streams;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.SloStatistic;
import dev.perch.model.queueing.AcceleratorPrediction;
import dev.perch.model.queueing.AppLatency;
import dev.perch.model.queueing.AppLoad;
import dev.perch.model.queueing.EndToEnd;
import dev.perch.model.queueing.LatencyModels;
import dev.perch.telemetry.AlertRecord;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.InventoryRecord;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.TelemetryReport;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per accelerator, after every admitted report: updates the reporting app's recent windows, drops
 * apps that left the accelerator (the apps table places them elsewhere, or they have not reported
 * within the history span), predicts every app's latency with the queueing models from the
 * windowed rates and the profile catalog — mean and tail — publishes the prediction, and decides through
 * {@link AlertHysteresis} whether the reporting app's SLO alert changes.
 *
 * <p>Rates are completed requests over the span of an app's recent windows; service and swap times
 * are the catalog's prior for the model on this accelerator type, or — for a model the catalog does
 * not know — the mean on-device time the reports carry. Observed latency for an SLO on the mean is
 * the request-weighted mean of the windows; for an SLO on a percentile it is the request-weighted
 * mean of the windows' percentiles (an approximation: windows do not carry their samples).
 */
final class Assessor implements Processor<String, Object, String, Object> {
    static final String STATE_STORE = "accelerator-state-store";

    private final TopologySettings settings;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, AcceleratorState> states;
    private ReadOnlyKeyValueStore<String, AppRecord> appsTable;
    private ReadOnlyKeyValueStore<String, InventoryRecord> inventory;

    Assessor(TopologySettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.states = context.getStateStore(STATE_STORE);
        this.appsTable = context.getStateStore(PerchTopology.APPS_STORE);
        this.inventory = context.getStateStore(PerchTopology.INVENTORY_STORE);
    }

    @Override
    public void process(Record<String, Object> record) {
        TelemetryReport report = (TelemetryReport) record.value();
        AcceleratorState state = states.get(report.accelerator());
        Map<String, AcceleratorState.AppHistory> apps = state == null ? new LinkedHashMap<>() : new LinkedHashMap<>(state.apps());

        AcceleratorState.AppHistory previous = apps.get(report.app());
        List<AcceleratorState.Window> windows = previous == null ? new ArrayList<>() : new ArrayList<>(previous.windows());
        windows.add(window(report));
        windows.sort(java.util.Comparator.comparingLong(AcceleratorState.Window::windowStartMs));
        long horizonMs = windows.get(windows.size() - 1).windowEndMs() - settings.historyMs();
        windows.removeIf(w -> w.windowEndMs() <= horizonMs);
        AlertHysteresis.Tracker tracker = previous == null ? AlertHysteresis.Tracker.INITIAL : previous.alert();
        apps.put(report.app(), new AcceleratorState.AppHistory(report.app(), report.model(), windows, tracker));

        apps.values().removeIf(history -> !history.app().equals(report.app()) && leftAccelerator(history, report));

        AcceleratorType type = AcceleratorType.parse(report.acceleratorType());
        PredictionRecord prediction = predict(report, type, apps);
        context.forward(new Record<>(report.accelerator(), prediction, record.timestamp()), PerchTopology.PREDICTIONS_SINK);

        AppRecord spec = (appsTable.get(report.app()));
        if (spec != null) {
            AcceleratorState.AppHistory history = apps.get(report.app());
            PredictionRecord.AppPrediction mine = prediction.apps().stream()
                    .filter(a -> a.app().equals(report.app())).findFirst().orElseThrow();
            apps.put(report.app(), assess(report, spec, history, mine, prediction, record.timestamp()));
        }
        states.put(report.accelerator(), new AcceleratorState(report.accelerator(), report.acceleratorType(), report.node(), apps));
    }

    private boolean leftAccelerator(AcceleratorState.AppHistory history, TelemetryReport now) {
        long lastEnd = history.windows().isEmpty() ? Long.MIN_VALUE : history.windows().get(history.windows().size() - 1).windowEndMs();
        if (lastEnd <= now.windowEndMs() - settings.historyMs()) {
            return true;
        }
        AppRecord spec = (appsTable.get(history.app()));
        return spec != null && spec.accelerator() != null && !spec.accelerator().equals(now.accelerator());
    }

    private PredictionRecord predict(TelemetryReport report, AcceleratorType type,
                                     Map<String, AcceleratorState.AppHistory> apps) {
        ProfileCatalog catalog = settings.catalog();
        List<AppLoad> loads = new ArrayList<>();
        List<AcceleratorState.AppHistory> modelled = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        List<AcceleratorState.AppHistory> unknown = new ArrayList<>();
        for (AcceleratorState.AppHistory history : apps.values()) {
            double rate = ratePerSec(history.windows());
            ModelProfile prior = catalog.profile(history.model(), type).orElse(null);
            Double observedService = weightedMean(history.windows(), AcceleratorState.Window::serviceMs);
            if (prior != null) {
                loads.add(new AppLoad(history.app(), history.model(), rate, prior.serviceMs(), prior.swapMs(), 0));
                sources.add("catalog");
                modelled.add(history);
            } else if (observedService != null && observedService > 0) {
                loads.add(new AppLoad(history.app(), history.model(), rate, observedService, 0, 0));
                sources.add("telemetry");
                modelled.add(history);
            } else {
                unknown.add(history);
            }
        }
        InventoryRecord node = (inventory.get(report.node()));
        EndToEnd path = node == null ? EndToEnd.NONE
                : new EndToEnd(node.networkMs(), node.frontendServiceMs(), settings.frontendCv());
        AcceleratorPrediction prediction = LatencyModels.predict(type, loads, path);

        List<PredictionRecord.AppPrediction> out = new ArrayList<>();
        for (int i = 0; i < modelled.size(); i++) {
            AcceleratorState.AppHistory history = modelled.get(i);
            AppLoad load = loads.get(i);
            AppLatency latency = prediction instanceof AcceleratorPrediction.Stable stable ? stable.apps().get(i) : null;
            out.add(appPrediction(history, load.ratePerSec(), load.serviceMs(), load.swapMs(), sources.get(i), latency));
        }
        for (AcceleratorState.AppHistory history : unknown) {
            out.add(appPrediction(history, ratePerSec(history.windows()), null, null, "none", null));
        }
        String reason = prediction instanceof AcceleratorPrediction.Unstable unstable ? unstable.reason() : null;
        return new PredictionRecord(PredictionRecord.SCHEMA, report.accelerator(), report.acceleratorType(), report.node(),
                report.windowStartMs(), report.windowEndMs(), round(prediction.utilization()),
                prediction instanceof AcceleratorPrediction.Stable, reason, out);
    }

    private PredictionRecord.AppPrediction appPrediction(AcceleratorState.AppHistory history, double rate, Double serviceMs,
                                                         Double swapMs, String source, AppLatency latency) {
        AppRecord spec = appsTable.get(history.app());
        Double sloMs = spec == null ? null : spec.sloMs();
        String statistic = spec == null ? null : statistic(spec).id();
        Boolean sloMet = null;
        if (spec != null && !source.equals("none")) {
            sloMet = latency != null && latency.statistic(statistic(spec)) <= spec.sloMs();
        }
        return new PredictionRecord.AppPrediction(history.app(), history.model(), round(rate), serviceMs, swapMs, source,
                latency == null ? null : round(latency.meanMs()), latency == null ? null : round(latency.p50Ms()),
                latency == null ? null : round(latency.p95Ms()), latency == null ? null : round(latency.p99Ms()),
                round(weightedMean(history.windows(), AcceleratorState.Window::meanMs)),
                round(weightedMean(history.windows(), AcceleratorState.Window::p95Ms)), sloMs, statistic, sloMet);
    }

    private AcceleratorState.AppHistory assess(TelemetryReport report, AppRecord spec, AcceleratorState.AppHistory history,
                                               PredictionRecord.AppPrediction mine, PredictionRecord prediction,
                                               long timestamp) {
        SloStatistic statistic = statistic(spec);
        Double predictedMs = mine.predicted(statistic);
        boolean predictedOver = mine.serviceMs() != null
                && (!prediction.stable() || (predictedMs != null && predictedMs > spec.sloMs()));
        Double observedMs = round(observed(history.windows(), statistic));
        boolean observedOver = report.requests() > 0 && observedMs != null && observedMs > spec.sloMs();

        AlertHysteresis.Step step = settings.hysteresis().next(history.alert(), predictedOver, observedOver);
        if (step.emit() != null) {
            String why = switch (step.emit()) {
                case AlertRecord.IMPENDING -> prediction.stable()
                        ? String.format("predicted %s %.1f ms over the %.0f ms SLO at %.2f req/s; observed %s", statistic,
                        predictedMs, spec.sloMs(), mine.ratePerSec(), observedMs == null ? "none" : observedMs + " ms")
                        : "predicted unstable: " + prediction.reason();
                case AlertRecord.VIOLATION -> String.format("observed %s %.1f ms over the %.0f ms SLO", statistic,
                        observedMs, spec.sloMs());
                default -> String.format("back within the %.0f ms %s SLO", spec.sloMs(), statistic);
            };
            AlertRecord alert = new AlertRecord(AlertRecord.SCHEMA,
                    report.app() + ":" + report.windowEndMs() + ":" + step.emit(), step.emit(), report.app(),
                    report.accelerator(), report.node(), spec.sloMs(), statistic.id(), predictedMs, observedMs,
                    report.windowEndMs(), why);
            context.forward(new Record<>(report.app(), alert, timestamp), PerchTopology.ALERTS_SINK);
        }
        return new AcceleratorState.AppHistory(history.app(), history.model(), history.windows(), step.tracker());
    }

    private static SloStatistic statistic(AppRecord spec) {
        return SloStatistic.fromId(spec.sloStatistic()).orElse(SloStatistic.DEFAULT);
    }

    static double ratePerSec(List<AcceleratorState.Window> windows) {
        if (windows.isEmpty()) {
            return 0;
        }
        long spanMs = windows.get(windows.size() - 1).windowEndMs() - windows.get(0).windowStartMs();
        long requests = windows.stream().mapToLong(AcceleratorState.Window::requests).sum();
        return spanMs <= 0 ? 0 : requests * 1000.0 / spanMs;
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
    static Double weightedMean(List<AcceleratorState.Window> windows,
                               java.util.function.Function<AcceleratorState.Window, Double> figure) {
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

    private static Double round(Double value) {
        return value == null ? null : Math.round(value * 1000) / 1000.0;
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
