package dev.perch.streams;

import dev.perch.model.profile.SloStatistic;
import dev.perch.model.queueing.AcceleratorPrediction;
import dev.perch.model.queueing.AppLatency;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.Confidence;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.Samples;
import dev.perch.telemetry.TelemetryReport;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Writes one accelerator's {@link Predictions} as the record the topology publishes: per app the
 * parameters used, the latencies corrected by the app's bias, the forecast, the observed latency over
 * the app's SLO window with its judged and violation seconds, whether the SLO is met, how sure the
 * topology is of the parameters and latencies ({@link LatencyUncertainty}), and the app's latest
 * reported memory — so that every number can be explained. Figures carry three decimals ({@link
 * Samples#round}). Whether the SLO is met is judged on the unrounded figures: the prediction now within it, and the statistic
 * over the SLO window too when there is one.
 */
final class PredictionRecords {
    /** A window one report makes: {@code specs} looks an app up in the apps table (null when it has no entry). */
    PredictionRecord write(TelemetryReport report, Predictions predictions, Function<String, AppRecord> specs) {
        return write(new AcceleratorState(report.accelerator(), report.acceleratorType(), report.node(), java.util.Map.of()),
                OpenWindow.of(report.windowStartMs(), report.windowEndMs(), report.app()), predictions, specs);
    }

    /** The prediction of {@code window} on the accelerator, naming the apps that reported it. */
    PredictionRecord write(AcceleratorState accelerator, OpenWindow window, Predictions predictions,
                           Function<String, AppRecord> specs) {
        List<PredictionRecord.AppPrediction> apps = new ArrayList<>();
        List<Predictions.Modelled> modelled = predictions.modelled();
        LatencyUncertainty uncertainty = LatencyUncertainty.of(predictions.type(), modelled, predictions.now());
        for (int i = 0; i < modelled.size(); i++) {
            apps.add(modelled(modelled.get(i), predictions.now(i), predictions.ahead(i), predictions.horizonSec(),
                    specs.apply(modelled.get(i).history().app()), uncertainty));
        }
        for (Predictions.Unmodelled app : predictions.unmodelled()) {
            apps.add(unmodelled(app, specs.apply(app.history().app())));
        }
        AcceleratorPrediction now = predictions.now();
        String reason = now instanceof AcceleratorPrediction.Unstable unstable ? unstable.reason() : null;
        return new PredictionRecord(PredictionRecord.SCHEMA, accelerator.accelerator(), accelerator.acceleratorType(),
                accelerator.node(), window.startMs(), window.endMs(), Samples.round(now.utilization()),
                now instanceof AcceleratorPrediction.Stable, reason, apps, window.reported());
    }

    private PredictionRecord.AppPrediction modelled(Predictions.Modelled app, AppLatency now, AppLatency ahead,
                                                    double horizonSec, AppRecord spec, LatencyUncertainty uncertainty) {
        double bias = app.bias().factor();
        PredictionRecord.Forecast forecast = new PredictionRecord.Forecast(horizonSec,
                Samples.round(app.rate().forecast(horizonSec)), scaled(ahead, AppLatency::meanMs, bias),
                scaled(ahead, AppLatency::p50Ms, bias), scaled(ahead, AppLatency::p95Ms, bias),
                scaled(ahead, AppLatency::p99Ms, bias));
        Boolean sloMet = null;
        if (spec != null) {
            Slo slo = Slo.of(spec);
            Double observed = SloWindows.figures(app.history().sloWindow()).statistic(slo.statistic());
            sloMet = now != null && now.statistic(slo.statistic()) * bias <= slo.sloMs()
                    && (observed == null || observed <= slo.sloMs());
        }
        return common(app.history(), app.rate().ratePerSec(), spec)
                .slopePerSec2(Samples.round(app.rate().slopePerSec2()))
                .serviceMs(Samples.round(app.service().serviceMs()))
                .swapMs(known(app.service().swapMs()))
                .serviceCv(Samples.round(app.service().serviceCv()))
                .parameterSource(app.service().source())
                .biasFactor(Samples.round(bias))
                .meanMs(scaled(now, AppLatency::meanMs, bias))
                .p50Ms(scaled(now, AppLatency::p50Ms, bias))
                .p95Ms(scaled(now, AppLatency::p95Ms, bias))
                .p99Ms(scaled(now, AppLatency::p99Ms, bias))
                .forecast(forecast)
                .sloMet(sloMet)
                .confidence(confidence(app, now, uncertainty))
                .build();
    }

    /** The standard errors of the app's learned parameters and of its latencies now, after the bias. */
    private static Confidence confidence(Predictions.Modelled app, AppLatency now, LatencyUncertainty uncertainty) {
        Learning.Rate rate = app.rate();
        Learning.Service service = app.service();
        Learning.Bias bias = app.bias();
        Confidence.Rate rateError = Double.isFinite(rate.standardErrorPerSec())
                ? new Confidence.Rate(Samples.round(rate.standardErrorPerSec()), known(rate.slopeStdErrPerSec2()),
                Samples.round(rate.sampleRequests()), Samples.round(rate.sampleSec()))
                : null;
        Confidence.Service serviceError = Double.isFinite(service.serviceStdErrMs())
                ? new Confidence.Service(known(service.serviceStdErrMs()), known(service.swapStdErrMs()),
                known(service.serviceCvStdErr()), Samples.round(service.sampleRequests()), Samples.round(service.sampleSec()))
                : null;
        Confidence.Bias biasError = Double.isFinite(bias.standardError())
                ? new Confidence.Bias(Samples.round(bias.standardError()), bias.windows()) : null;
        Confidence.Latency latency = now == null || uncertainty == null ? null : new Confidence.Latency(
                latency(app, now, uncertainty, SloStatistic.MEAN), latency(app, now, uncertainty, SloStatistic.P95),
                latency(app, now, uncertainty, SloStatistic.P99));
        if (rateError == null && serviceError == null && biasError == null
                && (latency == null || latency.meanStdErrMs() == null)) {
            return null;
        }
        return new Confidence(rateError, serviceError, biasError, latency);
    }

    /** The standard error of the app's {@code statistic} now, after the bias correction; null when unknown. */
    private static Double latency(Predictions.Modelled app, AppLatency now, LatencyUncertainty uncertainty,
                                  SloStatistic statistic) {
        double valueMs = now.statistic(statistic);
        return known(LatencyUncertainty.corrected(valueMs, uncertainty.standardErrorMs(app, now, statistic),
                app.bias().factor(), app.bias().standardError()));
    }

    private static Double known(double value) {
        return Double.isFinite(value) ? Samples.round(value) : null;
    }

    /** No parameters, no latencies and no verdict on the SLO: nothing is known to predict them from. */
    private PredictionRecord.AppPrediction unmodelled(Predictions.Unmodelled app, AppRecord spec) {
        return common(app.history(), app.ratePerSec(), spec).parameterSource("none").build();
    }

    /**
     * What every app's entry carries: who it is, its rate, its observed latency over its SLO window
     * (the default window for an app without an SLO), its SLO with its judged seconds, and its memory
     * as its latest report with one gave.
     */
    private PredictionRecord.AppPrediction.Builder common(AcceleratorState.AppHistory history, double ratePerSec,
                                                          AppRecord spec) {
        SloWindows.Figures observed = SloWindows.figures(history.sloWindow());
        Slo slo = spec == null ? null : Slo.of(spec);
        AcceleratorState.SloWindow window = history.sloWindow();
        return PredictionRecord.AppPrediction.builder()
                .app(history.app())
                .model(history.model())
                .ratePerSec(Samples.round(ratePerSec))
                .observedMeanMs(Samples.round(observed.meanMs()))
                .observedP95Ms(Samples.round(observed.p95Ms()))
                .observedRecentMeanMs(Samples.round(ObservedLatency.recentRequestsMean(history.windows())))
                .sloMs(spec == null ? null : spec.sloMs())
                .sloStatistic(slo == null ? null : slo.statistic().id())
                .sloWindowSec(slo == null ? null : slo.windowSec())
                .observedWindowMs(slo == null ? null : Samples.round(observed.statistic(slo.statistic())))
                .judgedSeconds(slo == null || window == null ? null : window.judgedSeconds())
                .violationSeconds(slo == null || window == null ? null : window.violationSeconds())
                .memoryMb(history.memoryMb());
    }

    private static Double scaled(AppLatency latency, Function<AppLatency, Double> figure, double factor) {
        return latency == null ? null : Samples.round(figure.apply(latency) * factor);
    }
}
