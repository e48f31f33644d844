package dev.perch.model.queueing;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.profile.ScenarioReader;
import dev.perch.model.profile.SloStatistic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The share of judged windows over a threshold, predicted against simulated: for a mix of apps on
 * one accelerator at a target utilisation, each app's threshold is the model's windowed statistic at
 * the given share ({@link WindowedStatistic#quantile} at {@code 1 − share}), and the simulated
 * share is how often the simulator's windowed statistic ({@link WindowedSeries}) is over it.
 * The apps request at equal rates, scaled so that the model's utilisation (swaps included, in the
 * order their front ends give) is the target.
 */
public final class WindowShares {
    private WindowShares() {
    }

    /** Apps of {@code models} on one accelerator of {@code type} at {@code utilization}, each behind a front end of {@code frontendMs}. */
    public record Mix(String name, AcceleratorType type, List<String> models, double utilization, double frontendMs) {
        public Mix(String name, AcceleratorType type, List<String> models, double utilization) {
            this(name, type, models, utilization, 0);
        }
    }

    /** One app of one cell: the threshold the model puts {@code predictedShare} of windows over, and the simulated share over it. */
    public record Row(Mix mix, WindowedSeries.Track track, String app, double predictedShare, double thresholdMs,
                      double simulatedShare) {
    }

    /** The mix as the simulator runs it, with rates solved for the target utilisation. */
    public static WindowedSeries series(Mix mix, ProfileCatalog catalog) {
        double[] rates = new double[mix.models().size()];
        Arrays.fill(rates, 1);
        WindowedSeries series = new WindowedSeries(mix.type(), mix.models(), rates, mix.frontendMs());
        for (int step = 0; step < 30; step++) {
            double rho = LatencyModels.utilization(mix.type(), series.loads(catalog), series.path());
            for (int a = 0; a < rates.length; a++) {
                rates[a] *= mix.utilization() / rho;
            }
        }
        return series;
    }

    /** Every app's rows for every track, at each predicted share, over {@code judgedSec} simulated seconds. */
    public static List<Row> measure(Mix mix, List<WindowedSeries.Track> tracks, double[] predictedShares, int judgedSec,
                                    long seed) {
        ProfileCatalog catalog = ScenarioReader.defaultCatalog();
        WindowedSeries series = series(mix, catalog);
        AcceleratorPrediction.Stable prediction = (AcceleratorPrediction.Stable) LatencyModels.predict(mix.type(),
                series.loads(catalog), series.path());
        Map<WindowedSeries.Track, double[][]> simulated = series.simulate(seed, tracks, judgedSec);
        List<Row> rows = new ArrayList<>();
        for (WindowedSeries.Track track : tracks) {
            for (int a = 0; a < mix.models().size(); a++) {
                AppLatency latency = prediction.apps().get(a);
                WindowedStatistic window = latency.window(track.statistic(), track.windowSec());
                for (double share : predictedShares) {
                    double threshold = window.quantile(1 - share);
                    rows.add(new Row(mix, track, latency.app(), share, threshold,
                            WindowedSeries.shareOver(simulated.get(track)[a], threshold)));
                }
            }
        }
        return rows;
    }

    /** Tracks for every window and statistic given. */
    public static List<WindowedSeries.Track> tracks(int[] windowsSec, SloStatistic... statistics) {
        List<WindowedSeries.Track> tracks = new ArrayList<>();
        for (int window : windowsSec) {
            for (SloStatistic statistic : statistics) {
                tracks.add(new WindowedSeries.Track(window, statistic));
            }
        }
        return tracks;
    }
}
