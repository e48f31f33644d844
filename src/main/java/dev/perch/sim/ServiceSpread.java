package dev.perch.sim;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * The spread of real on-device service times, taken from the shared Edge TPU recording (Ibis,
 * {@code queuing_tpu_inception_v4Xmobilenet_v2.csv}): for each recorded model, every request's
 * service time with and without a swap, divided by the mean of its kind. A simulated request's time is
 * its profile mean times a ratio drawn from the recorded model whose mean is nearest (on a log scale)
 * — so a 5 ms model varies like MobileNet-V2 (CV ≈ 0.2, long right tail) and a 100 ms model like
 * Inception-V4 (CV ≈ 0.02).
 *
 * <p>Service starts when the accelerator is free and the request is queued; a request swaps when
 * the one served just before it was for the other model (the README of the recording).
 */
public final class ServiceSpread {
    private static final String RECORDING = "dev/perch/ibis/queuing_tpu_inception_v4Xmobilenet_v2.csv.gz";
    private static final ServiceSpread RECORDED = fromRecording();

    /** Ratios to the mean, sorted, for one recorded model and swap kind. */
    private record Ratios(String model, double meanMs, double[] plain, double[] swapped) {
    }

    private final List<Ratios> models;

    private ServiceSpread(List<Ratios> models) {
        this.models = models;
    }

    public static ServiceSpread recorded() {
        return RECORDED;
    }

    /** A multiplicative factor (mean 1) for a request whose mean time is {@code meanMs}. */
    public double draw(double meanMs, boolean swapped, SplittableRandom random) {
        double[] pool = pool(meanMs, swapped);
        return pool[random.nextInt(pool.length)];
    }

    /** Coefficient of variation of the pool used for a request of {@code meanMs} (for tests and docs). */
    public double cv(double meanMs, boolean swapped) {
        double[] pool = pool(meanMs, swapped);
        double mean = Arrays.stream(pool).average().orElse(1);
        double var = Arrays.stream(pool).map(x -> (x - mean) * (x - mean)).average().orElse(0);
        return Math.sqrt(var) / mean;
    }

    /**
     * The ratios of the recorded model nearest on a log scale; a plain loop, as the simulator asks
     * for three draws per request.
     */
    private double[] pool(double meanMs, boolean swapped) {
        double target = Math.log(Math.max(meanMs, 1e-6));
        Ratios nearest = models.get(0);
        for (Ratios candidate : models) {
            if (Math.abs(Math.log(candidate.meanMs()) - target) < Math.abs(Math.log(nearest.meanMs()) - target)) {
                nearest = candidate;
            }
        }
        return swapped && nearest.swapped().length > 0 ? nearest.swapped() : nearest.plain();
    }

    private static ServiceSpread fromRecording() {
        record Row(String model, String step, double submit, double end) {
        }
        List<Row> rows = new ArrayList<>();
        try (InputStream raw = ServiceSpread.class.getClassLoader().getResourceAsStream(RECORDING)) {
            if (raw == null) {
                throw new IllegalStateException("missing class-path resource " + RECORDING);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw), StandardCharsets.UTF_8));
            String header = reader.readLine();
            List<String> columns = Arrays.asList(header.split(","));
            int model = columns.indexOf("model");
            int step = columns.indexOf("vary_rho");
            int submit = columns.indexOf("tpu_submit_time");
            int end = columns.indexOf("tpu_end_time");
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String[] cells = line.split(",");
                rows.add(new Row(cells[model], cells[step], Double.parseDouble(cells[submit]), Double.parseDouble(cells[end])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Service times per model and swap kind, from each load step's own serving order.
        java.util.Map<String, List<Double>> plain = new java.util.TreeMap<>();
        java.util.Map<String, List<Double>> swapped = new java.util.TreeMap<>();
        rows.stream().map(Row::step).distinct().forEach(step -> {
            List<Row> served = rows.stream().filter(r -> r.step().equals(step))
                    .sorted(Comparator.comparingDouble(Row::end)).toList();
            double freeAt = Double.NEGATIVE_INFINITY;
            String previous = null;
            for (Row r : served) {
                double serviceMs = (r.end() - Math.max(r.submit(), freeAt)) * 1000;
                boolean swap = previous != null && !previous.equals(r.model());
                if (serviceMs > 0) {
                    (swap ? swapped : plain).computeIfAbsent(r.model(), m -> new ArrayList<>()).add(serviceMs);
                }
                freeAt = r.end();
                previous = r.model();
            }
        });
        List<Ratios> ratios = new ArrayList<>();
        for (String model : plain.keySet()) {
            double[] p = plain.get(model).stream().mapToDouble(Double::doubleValue).toArray();
            double[] s = swapped.getOrDefault(model, List.of()).stream().mapToDouble(Double::doubleValue).toArray();
            double meanPlain = Arrays.stream(p).average().orElseThrow();
            double meanSwapped = Arrays.stream(s).average().orElse(1);
            ratios.add(new Ratios(model, meanPlain, normalise(p, meanPlain), normalise(s, meanSwapped)));
        }
        return new ServiceSpread(ratios);
    }

    private static double[] normalise(double[] values, double mean) {
        double[] result = Arrays.stream(values).map(v -> v / mean).toArray();
        Arrays.sort(result);
        return result;
    }
}
