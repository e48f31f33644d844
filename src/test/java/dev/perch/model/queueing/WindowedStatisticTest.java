package dev.perch.model.queueing;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.SloStatistic;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model of an app's SLO statistic over a window ({@link WindowedStatistic}) against the
 * discrete-event simulator, which judges every simulated second the statistic over the requests
 * completed in the last W seconds ({@link WindowedSeries}) and knows nothing of the models: on a
 * small grid — an Edge TPU with one app and with two apps of different models (so swaps), a GPU;
 * windows of 10 and 60 s; the mean and p95 — the threshold the model puts 10 % of windows over must
 * be crossed in 10 % of the simulated windows, within a tolerance that a model without the
 * congestion shared by requests close in time fails by far (it puts the threshold where the
 * simulator crosses it in 16–34 % of windows). The full grid, with 1 % thresholds and windows of
 * 600 s, is a bench ({@code loadtests/window-model.sh}).
 */
class WindowedStatisticTest {
    private static final double PREDICTED = 0.10;
    /** Each cell's simulated share: about two standard errors of a 60 s window's share over 8,000 s. */
    private static final double CELL_LOW = 0.04;
    private static final double CELL_HIGH = 0.18;
    private static final double MEAN_ABSOLUTE_ERROR = 0.03;

    @Test
    void theShareOfWindowsOverThePredictedThresholdIsTheSimulatorsOnASmallGrid() {
        List<WindowShares.Row> rows = new ArrayList<>();
        double[] shares = {PREDICTED};
        rows.addAll(WindowShares.measure(new WindowShares.Mix("one Edge TPU app", AcceleratorType.EDGETPU,
                List.of("inception_v3"), 0.8), WindowShares.tracks(new int[]{10, 60}, SloStatistic.MEAN, SloStatistic.P95),
                shares, 8000, 1));
        rows.addAll(WindowShares.measure(new WindowShares.Mix("two Edge TPU models", AcceleratorType.EDGETPU,
                List.of("mobilenet_v2", "inception_v3"), 0.5), WindowShares.tracks(new int[]{10}, SloStatistic.MEAN,
                SloStatistic.P95), shares, 8000, 2));
        rows.addAll(WindowShares.measure(new WindowShares.Mix("GPU", AcceleratorType.GPU, List.of("resnet_50"), 0.7),
                WindowShares.tracks(new int[]{10}, SloStatistic.MEAN, SloStatistic.P95), shares, 8000, 3));

        StringBuilder table = new StringBuilder();
        double error = 0;
        List<String> outside = new ArrayList<>();
        for (WindowShares.Row row : rows) {
            String line = String.format(Locale.ROOT, "%s ρ=%.2f %s %s over %d s: threshold %.1f ms, simulated %.1f %%",
                    row.mix().name(), row.mix().utilization(), row.app(), row.track().statistic(), row.track().windowSec(),
                    row.thresholdMs(), 100 * row.simulatedShare());
            table.append('\n').append(line);
            error += Math.abs(row.simulatedShare() - row.predictedShare());
            if (row.simulatedShare() < CELL_LOW || row.simulatedShare() > CELL_HIGH) {
                outside.add(line);
            }
        }
        error /= rows.size();
        String summary = String.format(Locale.ROOT, "predicted %.0f %% of windows over; mean absolute error %.1f points over %d cells%s",
                100 * PREDICTED, 100 * error, rows.size(), table);
        System.err.println(summary);
        assertEquals(List.of(), outside, summary);
        assertTrue(error <= MEAN_ABSOLUTE_ERROR, summary);
    }

    @Test
    void theThresholdAtAShareIsCrossedWithThatShareAndLongerWindowsSpreadLess() {
        List<AppLoad> apps = List.of(AppLoad.of("a", 5, 60, 20), AppLoad.of("b", 4, 40, 20));
        AcceleratorPrediction.Stable prediction = (AcceleratorPrediction.Stable) LatencyModels.predict(AcceleratorType.EDGETPU,
                apps, new EndToEnd(10, 20, 0.2));
        for (SloStatistic statistic : SloStatistic.values()) {
            double previous = Double.POSITIVE_INFINITY;
            for (int window : new int[]{1, 10, 60, 600, 3600}) {
                WindowedStatistic w = prediction.apps().get(0).window(statistic, window);
                for (double level : new double[]{0.5, 0.9, 0.99, 0.999}) {
                    assertEquals(1 - level, w.exceedance(w.quantile(level)), 1e-3, statistic + " " + window + " s " + level);
                }
                assertTrue(w.varianceMs2() < previous, statistic + ": a " + window + " s window spreads less than a shorter one");
                previous = w.varianceMs2();
            }
        }
    }
}
