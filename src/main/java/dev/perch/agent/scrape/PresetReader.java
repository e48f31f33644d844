package dev.perch.agent.scrape;

import dev.perch.telemetry.Samples;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads what a page says of one server model by a preset: the model's series (any of the preset's
 * model labels naming it), summed over every other label — versions, interfaces, hosts — in the
 * order of their series keys, so that two scrapes of the same counters sum to the same figure.
 *
 * <p>A counter named {@code N} is read from samples named {@code N} or {@code N_total} (the text
 * format writes either; OpenMetrics always the second), with its {@code N_created} if any.
 */
public final class PresetReader {
    private PresetReader() {
    }

    /** A reading of the model, or why there is none. */
    public sealed interface Result {
        record Found(Reading reading) implements Result {
        }

        record Missing(String reason) implements Result {
        }
    }

    /** A series the page lacks or cannot be summed; becomes {@link Result.Missing}. */
    private static final class Absent extends Exception {
        Absent(String reason) {
            super(reason, null, false, false);
        }
    }

    public static Result read(Preset preset, Exposition page, String serverModel) {
        Collector in = new Collector(preset, page, serverModel);
        try {
            Double counted = preset.requests() == null ? null
                    : in.counter(preset.requests(), preset.requestLabels(), true);
            Reading.Total latency = in.total(preset.latency(), true);
            double requests = counted != null ? counted : latency.count();
            Reading.Total service = preset.service() instanceof Timing.LatencyLessQueue ? null
                    : in.optional(preset.service());
            Reading.Total queue = in.optional(preset.queue());
            Reading.Buckets buckets = preset.latency() instanceof Timing.Histogram h ? in.buckets(h) : null;
            Reading.Quantiles quantiles = preset.quantiles() == null ? null : in.quantiles(preset.quantiles());
            return new Result.Found(new Reading(in.counters, in.created, requests, latency, service, queue, buckets,
                    quantiles));
        } catch (Absent e) {
            return new Result.Missing(e.getMessage());
        }
    }

    /** Gathers the model's series, recording each cumulative one it reads. */
    private static final class Collector {
        private final Exposition page;
        private final List<String> modelLabels;
        private final String model;
        final SortedMap<String, Double> counters = new TreeMap<>();
        final SortedMap<String, Double> created = new TreeMap<>();

        Collector(Preset preset, Exposition page, String model) {
            this.page = page;
            this.modelLabels = preset.modelLabels();
            this.model = model;
        }

        private boolean ofModel(Sample s) {
            for (String label : modelLabels) {
                if (model.equals(s.label(label))) {
                    return true;
                }
            }
            return false;
        }

        /** The model's samples with this name that pass the filters, by series key. */
        private SortedMap<String, Sample> series(String name, Map<String, Set<String>> filters) {
            SortedMap<String, Sample> found = new TreeMap<>();
            for (Sample s : page.named(name)) {
                if (ofModel(s) && filters.entrySet().stream().allMatch(f -> f.getValue().contains(s.label(f.getKey())))) {
                    found.put(s.seriesKey(), s);
                }
            }
            return found;
        }

        /** The sum of cumulative series, each recorded; null when there are none. */
        private Double sum(SortedMap<String, Sample> series) throws Absent {
            if (series.isEmpty()) {
                return null;
            }
            double sum = 0;
            for (Map.Entry<String, Sample> e : series.entrySet()) {
                double value = e.getValue().value();
                if (!Double.isFinite(value)) {
                    throw new Absent("series " + e.getKey() + " is " + value);
                }
                counters.put(e.getKey(), value);
                sum += value;
            }
            return sum;
        }

        private void createdOf(String base, Map<String, Set<String>> filters) {
            series(base + "_created", filters).forEach((key, s) -> created.put(key, s.value()));
        }

        /** A counter by its name or its {@code _total} name; null when absent and not required. */
        Double counter(String name, Map<String, Set<String>> filters, boolean required) throws Absent {
            SortedMap<String, Sample> series = series(name, filters);
            series.putAll(series(name + "_total", filters));
            Double sum = sum(series);
            if (sum == null && required) {
                throw new Absent("no " + name + " series for " + describeModel());
            }
            createdOf(name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name, filters);
            return sum;
        }

        Reading.Total optional(Timing timing) throws Absent {
            return timing == null ? null : total(timing, false);
        }

        /** A timing's sum in ms and its own count (null for counters); null when absent and not required. */
        Reading.Total total(Timing timing, boolean required) throws Absent {
            if (timing instanceof Timing.Counters c) {
                double sum = 0;
                for (String name : c.names()) {
                    Double part = counter(name, Map.of(), false);
                    if (part == null) {
                        if (required) {
                            throw new Absent("no " + name + " series for " + describeModel());
                        }
                        return null;
                    }
                    sum += part;
                }
                return new Reading.Total(c.unit().toMs(sum), null);
            }
            String name = timing instanceof Timing.Histogram h ? h.name() : ((Timing.Summary) timing).name();
            MetricUnit unit = timing instanceof Timing.Histogram h ? h.unit() : ((Timing.Summary) timing).unit();
            Double sum = sum(series(name + "_sum", Map.of()));
            Double count = sum(series(name + "_count", Map.of()));
            if (sum == null || count == null) {
                if (required) {
                    throw new Absent("no " + name + "_sum and _count series for " + describeModel());
                }
                return null;
            }
            createdOf(name, Map.of());
            return new Reading.Total(unit.toMs(sum), count);
        }

        /** The histogram's {@code le} buckets summed per bound; null when they do not add up to one layout. */
        Reading.Buckets buckets(Timing.Histogram histogram) throws Absent {
            TreeMap<Double, Double> byBound = new TreeMap<>();
            for (Map.Entry<String, Sample> e : series(histogram.name() + "_bucket", Map.of()).entrySet()) {
                Double le = le(e.getValue());
                if (le == null) {
                    return null; // a bucket without a readable bound: no percentiles, the means still hold
                }
                double value = e.getValue().value();
                if (!Double.isFinite(value)) {
                    throw new Absent("series " + e.getKey() + " is " + value);
                }
                counters.put(e.getKey(), value);
                byBound.merge(le, value, Double::sum);
            }
            if (byBound.isEmpty()) {
                return null;
            }
            Double total = byBound.remove(Double.POSITIVE_INFINITY);
            if (total == null || byBound.isEmpty()) {
                return null;
            }
            List<Double> upperMs = new ArrayList<>();
            List<Double> cumulative = new ArrayList<>();
            for (Map.Entry<Double, Double> b : byBound.entrySet()) {
                upperMs.add(Samples.round(histogram.unit().toMs(b.getKey())));
                cumulative.add(b.getValue());
            }
            return new Reading.Buckets(upperMs, cumulative, total);
        }

        private static Double le(Sample bucket) {
            String le = bucket.label("le");
            if (le == null) {
                return null;
            }
            try {
                double bound = ExpositionParser.number(le, "le");
                return Double.isNaN(bound) || bound == Double.NEGATIVE_INFINITY ? null : bound;
            } catch (Exception e) {
                return null;
            }
        }

        /** The summary's 0.5, 0.95 and 0.99 quantiles in ms, each only when one finite series gives it. */
        Reading.Quantiles quantiles(Timing.Summary summary) {
            Double[] found = new Double[3];
            double[] wanted = {0.5, 0.95, 0.99};
            int[] seen = new int[3];
            for (Sample s : series(summary.name(), Map.of()).values()) {
                String q = s.label("quantile");
                for (int i = 0; i < wanted.length; i++) {
                    if (q != null && parsesTo(q, wanted[i])) {
                        seen[i]++;
                        found[i] = Double.isFinite(s.value()) && s.value() >= 0 ? summary.unit().toMs(s.value()) : null;
                    }
                }
            }
            for (int i = 0; i < 3; i++) {
                if (seen[i] != 1) {
                    found[i] = null; // two versions' quantiles cannot be combined into one
                }
            }
            return found[0] == null && found[1] == null && found[2] == null ? null
                    : new Reading.Quantiles(Samples.round(found[0]), Samples.round(found[1]), Samples.round(found[2]));
        }

        private static boolean parsesTo(String text, double q) {
            try {
                return Math.abs(Double.parseDouble(text) - q) < 1e-9;
            } catch (NumberFormatException e) {
                return false;
            }
        }

        private String describeModel() {
            return String.join(" or ", modelLabels.stream().map(l -> l + "=\"" + model + "\"").toList());
        }
    }
}
