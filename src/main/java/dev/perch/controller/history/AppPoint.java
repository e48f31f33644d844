package dev.perch.controller.history;

/**
 * One app at one second: its SLO statistic predicted, with the prediction's 95 % interval from the
 * learned parameters' standard errors (null while not estimable, and for a p50 SLO), forecast (null
 * without a forecast, or unstable ahead) and observed (null where the window carries none), its
 * learned rate, and the accelerator that reported it; {@code atMs} is the prediction window's end.
 */
public record AppPoint(long atMs, Double predictedMs, Double predictedLow95Ms, Double predictedHigh95Ms, Double forecastMs,
                       Double observedMs, Double ratePerSec, String accelerator) {
}
