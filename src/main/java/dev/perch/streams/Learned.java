package dev.perch.streams;

/**
 * What the topology has learned about one app on one accelerator, as sufficient statistics that a
 * restart restores from the changelog:
 * <ul>
 *   <li>request rate: completed requests and elapsed time, both exponentially forgotten;</li>
 *   <li>service and swap time: the weighted sums of a regression of a window's mean on-device time on
 *   the share of its requests that swapped ({@code y = S + O·f}), exponentially forgotten;</li>
 *   <li>bias: slow moving sums of observed and of predicted mean latency (request-weighted), whose ratio
 *   says how far off the model is.</li>
 * </ul>
 */
public record Learned(double rateCount, double rateSpanMs, double windows, double sw, double swf, double swff, double swy,
                      double swfy, double swyy, double biasObserved, double biasPredicted, int biasWindows) {
    public static final Learned EMPTY = new Learned(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
