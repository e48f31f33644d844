package dev.perch.controller;

import dev.perch.telemetry.PredictionRecord;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest learned request rate and observations of every app, from {@code perch.predictions.v1}:
 * what the planner uses instead of an app's declared rate once telemetry has spoken, what the
 * reactive policy looks at, and (with each accelerator's latest window) what the live view shows.
 */
public final class LiveRates {
    private record Learned(double ratePerSec, long windowEndMs, PredictionRecord.AppPrediction latest) {
    }

    private final Map<String, Learned> rates = new ConcurrentHashMap<>();
    private final Map<String, PredictionRecord> byAccelerator = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong updates = new java.util.concurrent.atomic.AtomicLong();

    public void update(PredictionRecord prediction) {
        byAccelerator.merge(prediction.accelerator(), prediction,
                (old, fresh) -> fresh.windowEndMs() >= old.windowEndMs() ? fresh : old);
        for (PredictionRecord.AppPrediction app : prediction.apps()) {
            rates.merge(app.app(), new Learned(app.ratePerSec(), prediction.windowEndMs(), app),
                    (old, fresh) -> fresh.windowEndMs() >= old.windowEndMs() ? fresh : old);
        }
        updates.incrementAndGet(); // after the change: a reader counts before it reads, so it never keeps a stale count
    }

    /** The app's latest prediction record entry, if any. */
    public Optional<PredictionRecord.AppPrediction> latest(String app) {
        return Optional.ofNullable(rates.get(app)).map(Learned::latest);
    }

    /** The accelerator's latest prediction window (its predicted utilisation, whether it is stable), if any. */
    public Optional<PredictionRecord> latestOn(String accelerator) {
        return Optional.ofNullable(byAccelerator.get(accelerator));
    }

    /** How many updates were taken: the rates are as they were while it is the same. */
    long updates() {
        return updates.get();
    }

    public OptionalDouble rate(String app) {
        return Optional.ofNullable(rates.get(app)).map(l -> OptionalDouble.of(l.ratePerSec())).orElse(OptionalDouble.empty());
    }
}
