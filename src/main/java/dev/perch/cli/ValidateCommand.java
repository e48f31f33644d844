package dev.perch.cli;

import dev.perch.telemetry.Samples;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.queueing.AcceleratorPrediction;
import dev.perch.model.queueing.AppLoad;
import dev.perch.model.queueing.EndToEnd;
import dev.perch.model.queueing.IbisModel;
import dev.perch.model.queueing.LatencyModels;
import dev.perch.telemetry.RecordedRequest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code validate}: how far the models are from a recording. Each app's arrival rate comes from the
 * recording itself (its requests over the span of their arrivals), service and swap times from the
 * profile catalog; predicted mean and p95 are compared with the recorded ones per load step and app.
 * The Ibis paper's mean model is reported beside Perch's, from the same inputs.
 */
public final class ValidateCommand {
    private ValidateCommand() {
    }

    public record Figures(Double meanMs, Double p95Ms) {
    }

    public record Point(String step, String app, String model, String accelerator, double ratePerSec, Figures observed,
                        Figures predicted, Double ibisMeanMs, String note) {
    }

    public record Mape(Double mean, Double p95) {
    }

    public record Report(List<Point> points, Mape mapePercent, Mape ibisMapePercent) {
    }

    public static Report validate(List<RecordedRequest> requests, ProfileCatalog catalog) {
        return validate(requests, catalog, Set.of());
    }

    /**
     * As {@link #validate(List, ProfileCatalog)}; a model in {@code unprofiled} (marked
     * {@code profiled: false} in the file the catalog came from) is named so where its profile is missing.
     */
    public static Report validate(List<RecordedRequest> requests, ProfileCatalog catalog, Set<String> unprofiled) {
        Map<String, Map<String, Map<String, List<RecordedRequest>>>> byStep = new LinkedHashMap<>();
        for (RecordedRequest r : requests) {
            byStep.computeIfAbsent(r.step(), s -> new LinkedHashMap<>())
                    .computeIfAbsent(r.accelerator(), a -> new LinkedHashMap<>())
                    .computeIfAbsent(r.app(), a -> new ArrayList<>()).add(r);
        }
        List<Point> points = new ArrayList<>();
        byStep.forEach((step, accelerators) -> accelerators.forEach((accelerator, apps) ->
                points.addAll(points(step, accelerator, apps, catalog, unprofiled))));
        return new Report(points,
                new Mape(mape(points, p -> p.predicted() == null ? null : p.predicted().meanMs(), p -> p.observed().meanMs()),
                        mape(points, p -> p.predicted() == null ? null : p.predicted().p95Ms(), p -> p.observed().p95Ms())),
                new Mape(mape(points, Point::ibisMeanMs, p -> p.observed().meanMs()), null));
    }

    private static List<Point> points(String step, String accelerator, Map<String, List<RecordedRequest>> apps,
                                      ProfileCatalog catalog, Set<String> unprofiled) {
        List<String> names = new ArrayList<>(apps.keySet());
        List<AppLoad> loads = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        AcceleratorType type = AcceleratorType.parse(apps.values().iterator().next().get(0).acceleratorType());
        double[] rates = new double[names.size()];
        for (int i = 0; i < names.size(); i++) {
            List<RecordedRequest> recorded = apps.get(names.get(i));
            rates[i] = ratePerSec(recorded);
            Optional<ModelProfile> profile = catalog.profile(recorded.get(0).model(), type);
            if (profile.isEmpty()) {
                String model = recorded.get(0).model();
                missing.add(unprofiled.contains(model) ? model + " (unprofiled: profiled: false)" : model);
            } else {
                loads.add(new AppLoad(names.get(i), recorded.get(0).model(), rates[i], profile.get().serviceMs(),
                        profile.get().swapMs(), 0));
            }
        }
        String note = null;
        AcceleratorPrediction prediction = null;
        double[] ibis = null;
        if (!missing.isEmpty()) {
            note = "no profile in the catalog for " + String.join(", ", missing) + " on " + type;
        } else {
            prediction = LatencyModels.predict(type, loads, EndToEnd.NONE);
            ibis = IbisModel.meanMs(type, loads, EndToEnd.NONE);
            if (prediction instanceof AcceleratorPrediction.Unstable unstable) {
                note = "predicted unstable: " + unstable.reason();
            }
        }
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            List<RecordedRequest> recorded = apps.get(names.get(i));
            double[] latencies = recorded.stream().mapToDouble(RecordedRequest::latencyMs).sorted().toArray();
            Figures observed = new Figures(Samples.round(Arrays.stream(latencies).average().orElseThrow()),
                    Samples.round(Samples.nearestRank(latencies, 0.95)));
            Figures predicted = null;
            if (prediction instanceof AcceleratorPrediction.Stable stable) {
                var latency = stable.apps().get(i);
                predicted = new Figures(Samples.round(latency.meanMs()), Samples.round(latency.p95Ms()));
            }
            points.add(new Point(step, names.get(i), recorded.get(0).model(), accelerator, Samples.round(rates[i]), observed,
                    predicted, ibis == null ? null : Samples.round(ibis[i]), note));
        }
        return points;
    }

    /** Requests over the span of their arrivals. */
    static double ratePerSec(List<RecordedRequest> requests) {
        double first = requests.stream().mapToDouble(RecordedRequest::arrivalMs).min().orElseThrow();
        double last = requests.stream().mapToDouble(RecordedRequest::arrivalMs).max().orElseThrow();
        return last > first ? requests.size() * 1000.0 / (last - first) : 0;
    }

    private static Double mape(List<Point> points, java.util.function.Function<Point, Double> predicted,
                               java.util.function.Function<Point, Double> observed) {
        double sum = 0;
        int n = 0;
        for (Point point : points) {
            Double p = predicted.apply(point);
            Double o = observed.apply(point);
            if (p != null && o != null && o > 0) {
                sum += Math.abs(p - o) / o;
                n++;
            }
        }
        return n == 0 ? null : Samples.round(100 * sum / n);
    }
}
