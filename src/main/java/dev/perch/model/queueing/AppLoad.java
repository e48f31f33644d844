package dev.perch.model.queueing;

/**
 * One app's demand on one accelerator, the input of every latency model: its model (an Edge TPU swaps
 * only when consecutive requests are for different models, so two apps of one model never swap with
 * each other), its arrival rate, its on-device service time without a swap, the extra time a swap
 * adds, and the service time's coefficient of variation (0 for deterministic service).
 */
public record AppLoad(String app, String model, double ratePerSec, double serviceMs, double swapMs, double serviceCv) {
    public AppLoad {
        if (app == null || model == null) {
            throw new IllegalArgumentException("app and model are required");
        }
        requireFinite("ratePerSec", ratePerSec, 0, true);
        requireFinite("serviceMs", serviceMs, 0, false);
        requireFinite("swapMs", swapMs, 0, true);
        requireFinite("serviceCv", serviceCv, 0, true);
    }

    /** An app with deterministic service whose model no other app on the accelerator serves. */
    public static AppLoad of(String app, double ratePerSec, double serviceMs, double swapMs) {
        return new AppLoad(app, app, ratePerSec, serviceMs, swapMs, 0);
    }

    /** Arrival rate in requests per millisecond, the unit the formulas work in. */
    double ratePerMs() {
        return ratePerSec / 1000.0;
    }

    static void requireFinite(String name, double value, double min, boolean inclusive) {
        if (!Double.isFinite(value) || (inclusive ? value < min : value <= min)) {
            throw new IllegalArgumentException(name + " must be a finite number " + (inclusive ? ">= " : "> ") + min
                    + ", got " + value);
        }
    }
}
