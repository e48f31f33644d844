package dev.perch.telemetry;

/**
 * How sure the topology is of one app's learned parameters and of the latencies predicted from them,
 * in a prediction record: standard errors, and the sample each group rests on. A 95 % interval is
 * the figure ± {@link #Z95} standard errors ({@link #interval95}). Standard errors only, not
 * intervals, and one sample per group: the record is written for every app on every window, and
 * the whole would more than double its size. A figure is absent while it cannot be estimated (a
 * rate before its first window, a swap time nothing has shown yet, a trend not significant, an
 * accelerator predicted unstable).
 *
 * @param rate    the learned rate's and its trend's errors, and the requests and seconds they rest on
 * @param service the service time's, swap time's and service CV's errors, and the (forgetting-weighted)
 *                requests and seconds they rest on
 * @param bias    the error of the observed-to-predicted ratio the bias factor comes from, and its windows
 * @param latency the errors of the predicted mean, p95 and p99 now, after the bias
 */
public record Confidence(Rate rate, Service service, Bias bias, Latency latency) {
    /** The 95 % interval of a normal estimate: ±1.96 standard errors. */
    public static final double Z95 = 1.959964;

    public record Rate(double stdErrPerSec, Double slopeStdErrPerSec2, double sampleRequests, double sampleSec) {
    }

    public record Service(Double serviceStdErrMs, Double swapStdErrMs, Double serviceCvStdErr, double sampleRequests,
                          double sampleSec) {
    }

    public record Bias(double stdErr, int sampleWindows) {
    }

    public record Latency(Double meanStdErrMs, Double p95StdErrMs, Double p99StdErrMs) {
    }

    /** A 95 % interval. */
    public record Interval(double low, double high) {
        public boolean holds(double value) {
            return low <= value && value <= high;
        }
    }

    /** {@code value} ± 1.96 {@code standardError}, not below 0 (no parameter or latency here is negative); null when either is unknown. */
    public static Interval interval95(Double value, Double standardError) {
        if (value == null || standardError == null || !Double.isFinite(value) || !Double.isFinite(standardError)) {
            return null;
        }
        return new Interval(Samples.round(Math.max(0, value - Z95 * standardError)),
                Samples.round(value + Z95 * standardError));
    }
}
