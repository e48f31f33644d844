package dev.perch.model.queueing;

import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.model.profile.SloStatistic;
import dev.perch.sim.ServiceSpread;
import dev.perch.sim.SimulatedCluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The independent truth for the windowed SLO statistic: one accelerator with the given apps run in
 * the discrete-event simulator, every completion recorded, and every simulated second each app's
 * statistic over the requests completed in the last {@code windowSec} seconds — as the judge of
 * issue 19 defines it (nearest-rank percentiles, as {@code Samples}) — once a first window has
 * passed. App {@code i} is named {@code a<i>}; the front end of every app takes
 * {@code frontendServiceMs}, the network nothing.
 */
public record WindowedSeries(AcceleratorType type, List<String> models, double[] ratesPerSec, double frontendServiceMs) {
    /** Latencies are counted in bins this wide (ms) for the sliding percentiles. */
    private static final double BIN_MS = 0.02;
    private static final int BINS = 1 << 20;

    /** The apps' loads as the models see them, with the service-time variability the simulator draws from. */
    public List<AppLoad> loads(ProfileCatalog catalog) {
        List<AppLoad> loads = new ArrayList<>();
        for (int a = 0; a < models.size(); a++) {
            ModelProfile profile = catalog.profile(models.get(a), type).orElseThrow();
            double cv = ServiceSpread.recorded().cv(profile.serviceMs(), false);
            loads.add(new AppLoad("a" + a, models.get(a), ratesPerSec[a], profile.serviceMs(), profile.swapMs(), cv));
        }
        return loads;
    }

    /** The path the simulator runs: no network, the front end with the CV of the recorded spread it draws from. */
    public EndToEnd path() {
        return new EndToEnd(0, frontendServiceMs, frontendServiceMs > 0 ? ServiceSpread.recorded().cv(frontendServiceMs, false) : 0);
    }

    /** One windowed statistic to follow: the statistic over the last {@code windowSec} seconds. */
    public record Track(int windowSec, SloStatistic statistic) {
    }

    /**
     * Per track and app, the series of the app's windowed statistic, one value per judged second:
     * {@code judgedSec} seconds once the longest track's window has passed (so every track has run a
     * full window before its first judgement).
     */
    public Map<Track, double[][]> simulate(long seed, List<Track> tracks, int judgedSec) {
        StringBuilder yaml = new StringBuilder("name: window\nnetworkMs: 0\nnodes:\n  - {node: n, memoryMb: 100000, acceleratorTypes: ["
                + type.id() + "], frontendServiceMs: " + frontendServiceMs + "}\napps:\n");
        for (int a = 0; a < models.size(); a++) {
            yaml.append(String.format(Locale.ROOT, "  - {app: a%d, model: %s, ratePerSec: %.6f, sloMs: 100000}%n", a,
                    models.get(a), ratesPerSec[a]));
        }
        Scenario scenario = ScenarioReader.parse(yaml.toString(), "window");
        SimulatedCluster cluster = new SimulatedCluster(scenario, seed, 0, 0);
        int apps = models.size();
        Map<Track, Sliding[]> sliding = new LinkedHashMap<>();
        Map<Track, double[][]> series = new LinkedHashMap<>();
        int warmUp = 0;
        for (Track track : tracks) {
            Sliding[] perApp = new Sliding[apps];
            for (int a = 0; a < apps; a++) {
                perApp[a] = new Sliding(track.windowSec(), track.statistic());
            }
            sliding.put(track, perApp);
            series.put(track, new double[apps][judgedSec]);
            warmUp = Math.max(warmUp, track.windowSec());
        }
        List<Sliding[]> all = List.copyOf(sliding.values());
        cluster.onCompletion((app, accelerator, latencyMs) -> {
            int a = Integer.parseInt(app.substring(1));
            for (Sliding[] perApp : all) {
                perApp[a].add(latencyMs);
            }
        });
        String device = scenario.nodes().get(0).acceleratorIds().get(0);
        for (int a = 0; a < apps; a++) {
            cluster.apply(new PlanStep.Place("a" + a, device));
        }
        for (int s = 0; s < warmUp + judgedSec; s++) {
            cluster.advanceWindow();
            for (Track track : tracks) {
                Sliding[] perApp = sliding.get(track);
                double[][] out = series.get(track);
                for (int a = 0; a < apps; a++) {
                    double value = perApp[a].endSecond();
                    if (s >= warmUp) {
                        out[a][s - warmUp] = value;
                    }
                }
            }
        }
        return series;
    }

    /** The share of {@code series} strictly over {@code threshold}. */
    public static double shareOver(double[] series, double threshold) {
        int over = 0;
        for (double v : series) {
            if (v > threshold) {
                over++;
            }
        }
        return (double) over / series.length;
    }

    /** One app's requests of the last {@code windowSec} seconds, by the second they completed in. */
    private static final class Sliding {
        private final int windowSec;
        private final SloStatistic statistic;
        private final double quantile;
        private final java.util.ArrayDeque<double[]> seconds = new java.util.ArrayDeque<>();
        private final List<Double> current = new ArrayList<>();
        private final int[] tree; // Fenwick tree of counts per latency bin, for percentiles
        private double sum;
        private long count;

        Sliding(int windowSec, SloStatistic statistic) {
            this.windowSec = windowSec;
            this.statistic = statistic;
            this.quantile = switch (statistic) {
                case MEAN -> 0;
                case P50 -> 0.50;
                case P95 -> 0.95;
                case P99 -> 0.99;
            };
            this.tree = statistic == SloStatistic.MEAN ? null : new int[BINS + 1];
        }

        void add(double latencyMs) {
            current.add(latencyMs);
        }

        /** Closes the second just simulated; the statistic over the window that ends with it (NaN when empty). */
        double endSecond() {
            double[] done = current.stream().mapToDouble(Double::doubleValue).toArray();
            current.clear();
            seconds.addLast(done);
            update(done, 1);
            if (seconds.size() > windowSec) {
                update(seconds.removeFirst(), -1);
            }
            if (count == 0) {
                return Double.NaN;
            }
            if (statistic == SloStatistic.MEAN) {
                return sum / count;
            }
            long rank = (long) Math.ceil(quantile * count);
            return (find(rank) + 0.5) * BIN_MS;
        }

        private void update(double[] latencies, int sign) {
            for (double latency : latencies) {
                sum += sign * latency;
                count += sign;
                if (tree != null) {
                    for (int i = Math.min((int) (latency / BIN_MS), BINS - 1) + 1; i <= BINS; i += i & -i) {
                        tree[i] += sign;
                    }
                }
            }
        }

        /** The 0-based bin holding the sample of the given 1-based rank. */
        private int find(long rank) {
            int position = 0;
            long remaining = rank;
            for (int step = BINS; step > 0; step >>= 1) {
                int next = position + step;
                if (next <= BINS && tree[next] < remaining) {
                    position = next;
                    remaining -= tree[next];
                }
            }
            return position;
        }
    }
}
