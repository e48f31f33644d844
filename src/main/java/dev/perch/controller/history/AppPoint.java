package dev.perch.controller.history;

/**
 * One app at one second: its SLO statistic predicted, forecast (null without a forecast, or unstable
 * ahead) and observed (null where the window carries none), its learned rate, and the accelerator
 * that reported it; {@code atMs} is the prediction window's end.
 */
public record AppPoint(long atMs, Double predictedMs, Double forecastMs, Double observedMs, Double ratePerSec,
                       String accelerator) {
}
