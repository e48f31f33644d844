package dev.perch.bench;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.SloStatistic;
import dev.perch.model.queueing.AcceleratorPrediction;
import dev.perch.model.queueing.AppLatency;
import dev.perch.model.queueing.AppLoad;
import dev.perch.model.queueing.EndToEnd;
import dev.perch.model.queueing.LatencyModels;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Where the placement rule stops accepting, by the models alone: for a few devices (apps at equal
 * rates behind 25 ms front ends, 10 ms of network, the catalog's service and swap times), the
 * utilisation at which the rates can rise no further — under the fixed 15 % SLO headroom that
 * decision 0007 replaced (the steady-state statistic within 85 % of the SLO), and under the window
 * promise (the statistic over 10, 60 or 600 s windows under the SLO in 99 % of them) — and the rise
 * of rate that separates consolidation's 99.9 % from placement's 99 %. No utilisation cap.
 *
 * <pre>mvn -B -o -q -Pbench test-compile exec:exec -Dbench.main=dev.perch.bench.WindowRuleBinding</pre>
 */
public final class WindowRuleBinding {
    private static final EndToEnd PATH = new EndToEnd(10, 25, 0.2);
    private static final int[] WINDOWS = {10, 60, 600};

    private WindowRuleBinding() {
    }

    private record Case(String name, AcceleratorType type, List<AppLoad> apps, SloStatistic statistic, double sloMs) {
    }

    public static void main(String[] args) {
        List<Case> cases = List.of(
                new Case("Edge TPU, MobileNet-V2 + Inception-V3", AcceleratorType.EDGETPU,
                        List.of(AppLoad.of("a", 1, 4.91, 10.43), AppLoad.of("b", 1, 62.95, 19.39)), SloStatistic.MEAN, 200),
                new Case("the same", AcceleratorType.EDGETPU,
                        List.of(AppLoad.of("a", 1, 4.91, 10.43), AppLoad.of("b", 1, 62.95, 19.39)), SloStatistic.P95, 400),
                new Case("Edge TPU, SSD-MobileNet V1 + V2 + EfficientNet-S", AcceleratorType.EDGETPU,
                        List.of(AppLoad.of("a", 1, 18.03, 23.93), AppLoad.of("b", 1, 19.23, 24.63), AppLoad.of("c", 1, 9.83, 17.33)),
                        SloStatistic.MEAN, 200),
                new Case("Edge TPU, Inception-V4 alone", AcceleratorType.EDGETPU, List.of(AppLoad.of("a", 1, 125.13, 19.43)),
                        SloStatistic.MEAN, 600),
                new Case("GPU, ResNet-18 + ResNet-50", AcceleratorType.GPU,
                        List.of(AppLoad.of("a", 1, 10.83, 0), AppLoad.of("b", 1, 29.41, 0)), SloStatistic.MEAN, 200),
                new Case("the same", AcceleratorType.GPU,
                        List.of(AppLoad.of("a", 1, 10.83, 0), AppLoad.of("b", 1, 29.41, 0)), SloStatistic.P95, 400));
        System.out.println("| apps, SLO | 15 % headroom | 99 % of 10 s windows | of 60 s | of 600 s | rate rise from 99.9 % to 99 %, 10 / 60 / 600 s |");
        System.out.println("|---|---|---|---|---|---|");
        for (Case c : cases) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s, %s %.0f ms | %.2f |", c.name(), c.statistic(),
                    c.sloMs(), utilizationAt(c, scale(c, a -> a.statistic(c.statistic()) <= 0.85 * c.sloMs()))));
            StringBuilder rise = new StringBuilder();
            for (int window : WINDOWS) {
                double at99 = scale(c, a -> a.window(c.statistic(), window).quantile(0.99) <= c.sloMs());
                double at999 = scale(c, a -> a.window(c.statistic(), window).quantile(0.999) <= c.sloMs());
                row.append(String.format(Locale.ROOT, " %.2f |", utilizationAt(c, at99)));
                rise.append(rise.length() > 0 ? " / " : "").append(String.format(Locale.ROOT, "%.1f %%", 100 * (at99 / at999 - 1)));
            }
            System.out.println(row.append(' ').append(rise).append(" |"));
        }
    }

    /** The largest factor on every app's rate (bisection) at which the device is stable and every app passes {@code rule}. */
    private static double scale(Case c, Predicate<AppLatency> rule) {
        double low = 0;
        double high = 1000;
        for (int step = 0; step < 60; step++) {
            double mid = (low + high) / 2;
            if (LatencyModels.predict(c.type(), scaled(c, mid), PATH) instanceof AcceleratorPrediction.Stable stable
                    && stable.apps().stream().allMatch(rule)) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return low;
    }

    private static List<AppLoad> scaled(Case c, double factor) {
        return c.apps().stream().map(a -> new AppLoad(a.app(), a.model(), a.ratePerSec() * factor, a.serviceMs(), a.swapMs(),
                a.serviceCv())).toList();
    }

    private static double utilizationAt(Case c, double factor) {
        return LatencyModels.utilization(c.type(), scaled(c, factor), PATH);
    }
}
