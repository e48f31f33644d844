package dev.perch.telemetry;

/**
 * How sure the topology is of one app's learned parameters and of the latencies predicted from them,
 * in a prediction record. A parameter's entry is absent while it cannot be estimated (a rate before
 * its first window, a swap time nothing has shown yet, a trend not significant); a latency's while the
 * accelerator is predicted unstable.
 */
public record Confidence(Estimate ratePerSec, Estimate slopePerSec2, Estimate serviceMs, Estimate swapMs,
                         Estimate serviceCv, Estimate biasFactor, Interval meanMs, Interval p95Ms, Interval p99Ms) {
    /** The 95 % interval of a normal estimate: ±1.96 standard errors. */
    public static final double Z95 = 1.959964;
    /** Nothing known yet: written as no entry at all. */
    public static final Confidence NONE = new Confidence(null, null, null, null, null, null, null, null, null);

    /**
     * A learned parameter's standard error, its 95 % interval (clipped at 0 for a parameter that
     * cannot be negative), and what it rests on: the requests and seconds of telemetry (weighted by
     * how much each still counts, where older data is forgotten), or for the bias the windows compared.
     */
    public record Estimate(double standardError, double low95, double high95, Double sampleRequests, Double sampleSec,
                           Integer sampleWindows) {
        /** {@code value} ± 1.96 {@code standardError}, the interval's low end at {@code floor} at least; null when the error is unknown. */
        public static Estimate of(double value, double standardError, double floor, Double sampleRequests, Double sampleSec,
                                  Integer sampleWindows) {
            if (!Double.isFinite(standardError) || !Double.isFinite(value)) {
                return null;
            }
            return new Estimate(Samples.round(standardError), Samples.round(Math.max(floor, value - Z95 * standardError)),
                    Samples.round(value + Z95 * standardError), sampleRequests == null ? null : Samples.round(sampleRequests),
                    sampleSec == null ? null : Samples.round(sampleSec), sampleWindows);
        }
    }

    /** A predicted latency's standard error and 95 % interval, propagated from its parameters' (delta method). */
    public record Interval(double standardErrorMs, double low95, double high95) {
        /** {@code valueMs} ± 1.96 {@code standardErrorMs}, not below {@code floorMs}; null when either is unknown. */
        public static Interval of(Double valueMs, double standardErrorMs, double floorMs) {
            if (valueMs == null || !Double.isFinite(standardErrorMs)) {
                return null;
            }
            return new Interval(Samples.round(standardErrorMs), Samples.round(Math.max(floorMs, valueMs - Z95 * standardErrorMs)),
                    Samples.round(valueMs + Z95 * standardErrorMs));
        }
    }
}
