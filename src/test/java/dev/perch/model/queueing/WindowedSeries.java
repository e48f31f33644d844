package dev.perch.model.queueing;

import dev.perch.cluster.PlanStep;
import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.Scenario;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.model.profile.SloStatistic;
import dev.perch.sim.ServiceSpread;
import dev.perch.sim.SimulatedCluster;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The independent truth for the windowed SLO statistic: one accelerator with the given apps run in
 * the discrete-event simulator, every completion recorded, and every simulated second each app's
 * statistic over the requests completed in the last {@code windowSec} seconds — as the judge of
 * issue 19 defines it ({@link SlidingStatistic}) — once a first window has passed. App {@code i} is named {@code a<i>}; the front end of every app takes
 * {@code frontendServiceMs}, the network nothing.
 */
public record WindowedSeries(AcceleratorType type, List<String> models, double[] ratesPerSec, double frontendServiceMs) {
    /** The apps' loads as the models see them, with the service-time variability the simulator draws from. */
    public List<AppLoad> loads(ProfileCatalog catalog) {
        return new SimulatedMix(type, models, ratesPerSec, frontendServiceMs).loads(catalog);
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
        Map<Track, SlidingStatistic[]> sliding = new LinkedHashMap<>();
        Map<Track, double[][]> series = new LinkedHashMap<>();
        int warmUp = 0;
        for (Track track : tracks) {
            SlidingStatistic[] perApp = new SlidingStatistic[apps];
            for (int a = 0; a < apps; a++) {
                perApp[a] = new SlidingStatistic(track.windowSec(), track.statistic());
            }
            sliding.put(track, perApp);
            series.put(track, new double[apps][judgedSec]);
            warmUp = Math.max(warmUp, track.windowSec());
        }
        List<SlidingStatistic[]> all = List.copyOf(sliding.values());
        cluster.addCompletionListener(c -> {
            int a = Integer.parseInt(c.app().substring(1));
            for (SlidingStatistic[] perApp : all) {
                perApp[a].add(c.latencyMs());
            }
        });
        String device = scenario.nodes().get(0).acceleratorIds().get(0);
        for (int a = 0; a < apps; a++) {
            cluster.apply(new PlanStep.Place("a" + a, device));
        }
        for (int s = 0; s < warmUp + judgedSec; s++) {
            cluster.advanceWindow();
            for (Track track : tracks) {
                SlidingStatistic[] perApp = sliding.get(track);
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
}
