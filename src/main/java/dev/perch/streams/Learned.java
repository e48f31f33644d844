package dev.perch.streams;

/**
 * What the topology has learned about one app on one accelerator, as sufficient statistics that a
 * restart restores from the changelog: the {@link RateSums request rate}, the {@link ServiceSums
 * service and swap times} and the {@link BiasSums model's bias}, each with what its uncertainty needs.
 */
public record Learned(RateSums rate, ServiceSums service, BiasSums bias) {
    public static final Learned EMPTY = new Learned(RateSums.EMPTY, ServiceSums.EMPTY, BiasSums.EMPTY);

    /**
     * Requests completed and time elapsed since the rate last changed ({@code sinceMs}, the start of
     * the first window counted), not forgotten: within a stationary stretch every request counts. A
     * rate carried over a move enters as pseudo-requests until the change test or the data outweighs it.
     */
    public record RateSums(double count, double spanMs, long sinceMs) {
        public static final RateSums EMPTY = new RateSums(0, 0, Long.MIN_VALUE);
    }

    /**
     * The weighted sums of a regression of a window's mean on-device time {@code y} on the share
     * {@code f} of its requests that swapped ({@code y = S + O·f}), each window weighted by its
     * requests {@code n} and forgotten by a factor γ a window: {@code windows} = Σγᵃ, {@code spanMs} =
     * Σγᵃ·duration, {@code sw} = Σγᵃn, {@code swf} = Σγᵃnf, … {@code swyy} = Σγᵃny². The {@code q}
     * sums weigh by γ²ᵃ instead ({@code windowsSq} = Σγ²ᵃ, {@code qw} = Σγ²ᵃn, {@code qwf}, {@code
     * qwff}): forgetting is not inverse-variance weighting, and the variance of the estimate needs both.
     */
    public record ServiceSums(double windows, double windowsSq, double spanMs, double sw, double swf, double swff,
                              double swy, double swfy, double swyy, double qw, double qwf, double qwff) {
        public static final ServiceSums EMPTY = new ServiceSums(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /**
     * Sums, since the rate last changed, of observed ({@code o}) and predicted ({@code p}) mean latency,
     * request-weighted ({@code c} = the window's requests): {@code observed} = Σc·o and {@code predicted} = Σc·p, whose
     * ratio says how far off the model is, and Σc²o², Σc²op, Σc²p² for that ratio's standard error.
     */
    public record BiasSums(double observed, double predicted, int windows, double observedSq, double cross,
                           double predictedSq) {
        public static final BiasSums EMPTY = new BiasSums(0, 0, 0, 0, 0, 0);
    }

    public Learned withRate(RateSums rate) {
        return new Learned(rate, service, bias);
    }

    public Learned withBias(BiasSums bias) {
        return new Learned(rate, service, bias);
    }
}
