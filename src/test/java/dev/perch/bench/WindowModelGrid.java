package dev.perch.bench;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.SloStatistic;
import dev.perch.model.queueing.WindowShares;
import dev.perch.model.queueing.WindowedSeries;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The model of an app's SLO statistic over its window ({@code WindowedStatistic}) against the
 * simulator, on the full grid of issue 19: an Edge TPU with one app (Inception-V3) and with two apps
 * of different models (MobileNet-V2 and Inception-V3, so swaps), a GPU with two apps (ResNet-18 and
 * ResNet-50); utilisation 0.3, 0.5, 0.7 and 0.85; windows of 10, 60 and 600 s; the mean and p95. For
 * each app, the thresholds the model puts 10 % and 1 % of windows over, and how often the
 * simulator's judged windows ({@code WindowedSeries}: every simulated second, the statistic over the
 * requests completed in the last W seconds, after a warm-up of the longest window) are over them.
 * No network, no front end — the model of the window against the simulator, not the steady-state
 * models' error behind front ends; a second table puts the apps behind 25 ms front ends.
 *
 * <pre>loadtests/window-model.sh [JUDGED_SEC]</pre> or
 * <pre>mvn -B -o -q -Pbench test-compile exec:exec -Dbench.main=dev.perch.bench.WindowModelGrid -Dbench=100000</pre>
 * ({@code -Dbench}: simulated seconds judged per accelerator and utilisation, default 100,000.)
 * Prints markdown tables and the mean absolute error, per target share, in percentage points.
 */
public final class WindowModelGrid {
    private static final double[] SHARES = {0.10, 0.01};

    private WindowModelGrid() {
    }

    public static void main(String[] args) {
        int judged = args.length > 0 && !args[0].isBlank() && !args[0].equals("dev.perch.bench")
                ? Integer.parseInt(args[0]) : 100_000;
        long start = System.nanoTime();
        System.out.printf(Locale.ROOT, "Each cell: the share of judged windows over the threshold the model puts %s of windows over,"
                + " simulated (%,d judged seconds per accelerator and utilisation).%n%n", "10 % / 1 %", judged);
        List<WindowShares.Mix> mixes = new ArrayList<>();
        for (double rho : new double[]{0.3, 0.5, 0.7, 0.85}) {
            mixes.add(new WindowShares.Mix("Edge TPU, Inception-V3", AcceleratorType.EDGETPU, List.of("inception_v3"), rho));
            mixes.add(new WindowShares.Mix("Edge TPU, MobileNet-V2 + Inception-V3", AcceleratorType.EDGETPU,
                    List.of("mobilenet_v2", "inception_v3"), rho));
            mixes.add(new WindowShares.Mix("GPU, ResNet-18 + ResNet-50", AcceleratorType.GPU, List.of("resnet_18", "resnet_50"), rho));
        }
        Map<Double, List<Double>> errors = table(mixes, WindowShares.tracks(new int[]{10, 60, 600}, SloStatistic.MEAN,
                SloStatistic.P95), judged, 1);
        summary("", errors);

        System.out.printf(Locale.ROOT, "%nBehind 25 ms front ends (the steady-state models' error included):%n%n");
        List<WindowShares.Mix> behind = new ArrayList<>();
        for (double rho : new double[]{0.5, 0.7}) {
            behind.add(new WindowShares.Mix("Edge TPU, MobileNet-V2 + Inception-V3", AcceleratorType.EDGETPU,
                    List.of("mobilenet_v2", "inception_v3"), rho, 25));
            behind.add(new WindowShares.Mix("GPU, ResNet-18 + ResNet-50", AcceleratorType.GPU, List.of("resnet_18", "resnet_50"), rho, 25));
        }
        summary("behind front ends ", table(behind, WindowShares.tracks(new int[]{10, 60}, SloStatistic.MEAN, SloStatistic.P95),
                judged / 4, 2));
        System.err.printf(Locale.ROOT, "all: %.0f s%n", (System.nanoTime() - start) / 1e9);
    }

    private static Map<Double, List<Double>> table(List<WindowShares.Mix> mixes, List<WindowedSeries.Track> tracks, int judged,
                                                  long seed) {
        Map<Double, List<Double>> errors = new LinkedHashMap<>();
        for (double share : SHARES) {
            errors.put(share, new ArrayList<>());
        }
        System.out.println("| accelerator, apps | ρ | window | statistic | app: simulated share over the 10 % / 1 % thresholds |");
        System.out.println("|---|---|---|---|---|");
        for (WindowShares.Mix mix : mixes) {
            long t0 = System.nanoTime();
            List<WindowShares.Row> rows = WindowShares.measure(mix, tracks, SHARES, judged, seed);
            System.err.printf(Locale.ROOT, "%s ρ=%.2f: %.1f s%n", mix.name(), mix.utilization(), (System.nanoTime() - t0) / 1e9);
            for (WindowedSeries.Track track : tracks) {
                StringBuilder cells = new StringBuilder();
                for (int a = 0; a < mix.models().size(); a++) {
                    String app = "a" + a;
                    List<WindowShares.Row> mine = rows.stream()
                            .filter(r -> r.track().equals(track) && r.app().equals(app)).toList();
                    cells.append(cells.length() > 0 ? "; " : "").append(mix.models().get(a)).append(':');
                    for (WindowShares.Row row : mine) {
                        cells.append(String.format(Locale.ROOT, " %.1f %%", 100 * row.simulatedShare()));
                        if (row.predictedShare() == SHARES[0]) {
                            cells.append(" /");
                        }
                        errors.get(row.predictedShare()).add(Math.abs(row.simulatedShare() - row.predictedShare()));
                    }
                }
                System.out.printf(Locale.ROOT, "| %s | %.2f | %d s | %s | %s |%n", mix.name(), mix.utilization(),
                        track.windowSec(), track.statistic(), cells);
            }
            System.out.flush();
        }
        return errors;
    }

    private static void summary(String what, Map<Double, List<Double>> errors) {
        System.out.println();
        for (Map.Entry<Double, List<Double>> entry : errors.entrySet()) {
            List<Double> list = entry.getValue();
            double mae = list.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double max = list.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            System.out.printf(Locale.ROOT, "%spredicted %.0f %%: mean absolute error %.2f points, largest %.1f, over %d app cells%n",
                    what, 100 * entry.getKey(), 100 * mae, 100 * max, list.size());
        }
    }
}
