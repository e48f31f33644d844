package dev.perch.model.queueing;

/**
 * How one app's latency varies from request to request and from one stretch of time to the next —
 * what its SLO statistic over a window depends on besides the steady-state prediction
 * ({@link WindowModel} computes it, {@link WindowedStatistic} uses it): the app's request rate (so
 * {@code ratePerSec·W} requests fall in a window), the variance and third central moment of one
 * request's latency end to end, the congestion its requests share in two queues — the accelerator
 * and its own front end ({@link Congestion}) — and the latency's density (per ms) at each
 * percentile, from the full model (NaN where only the means were computed).
 */
public record LatencySpread(double ratePerSec, double varianceMs2, double thirdMomentMs3, Congestion device,
                            Congestion frontend, double densityP50, double densityP95, double densityP99) {
    /** No spread at all: a latency that never varies. */
    public static final LatencySpread NONE = new LatencySpread(0, 0, 0, Congestion.NONE, Congestion.NONE, Double.NaN,
            Double.NaN, Double.NaN);

    /** The same spread with the density at each percentile, per ms. */
    LatencySpread withDensities(double p50, double p95, double p99) {
        return new LatencySpread(ratePerSec, varianceMs2, thirdMomentMs3, device, frontend, p50, p95, p99);
    }

    /**
     * The congestion of one queue as it moves the latency of the requests that share it:
     * <ul>
     *   <li>{@code areaMs3}: over a window of W ms much longer than the congestion lasts, it adds
     *   {@code area/W} to the variance of the window's mean latency;</li>
     *   <li>{@code correlationMs}: how long a congested stretch lasts, set so that a window much
     *   shorter sees the congestion's whole variance, {@code area/(2·correlationMs)};</li>
     *   <li>{@code thirdMomentMs3}: the congestion's own third central moment, what a very short
     *   window sees of its skew.</li>
     * </ul>
     */
    public record Congestion(double areaMs3, double correlationMs, double thirdMomentMs3) {
        public static final Congestion NONE = new Congestion(0, 0, 0);

        /** The congestion's own variance: what a window much shorter than {@code correlationMs} sees. */
        double varianceMs2() {
            return correlationMs > 0 ? areaMs3 / (2 * correlationMs) : 0;
        }
    }
}
