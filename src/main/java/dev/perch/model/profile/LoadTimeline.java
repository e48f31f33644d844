package dev.perch.model.profile;

import java.util.List;

/**
 * How an app's request rate changes over (simulated) time, as an ordered list of changes applied to
 * its base rate: steps and ramps set the rate, a diurnal wave multiplies it.
 */
public record LoadTimeline(List<LoadChange> changes) {
    public LoadTimeline {
        changes = List.copyOf(changes);
    }

    public static LoadTimeline constant() {
        return new LoadTimeline(List.of());
    }

    public double rateAt(double baseRatePerSec, double timeSec) {
        double rate = baseRatePerSec;
        double factor = 1.0;
        for (LoadChange change : changes) {
            // Java 17: no pattern matching for switch yet, so an instanceof chain over the sealed type.
            if (change instanceof LoadChange.Step step) {
                if (timeSec >= step.atSec()) {
                    rate = step.ratePerSec();
                }
            } else if (change instanceof LoadChange.Ramp ramp) {
                if (timeSec >= ramp.toSec()) {
                    rate = ramp.toRatePerSec();
                } else if (timeSec > ramp.fromSec()) {
                    double share = (timeSec - ramp.fromSec()) / (ramp.toSec() - ramp.fromSec());
                    rate = rate + share * (ramp.toRatePerSec() - rate);
                }
            } else if (change instanceof LoadChange.Diurnal wave) {
                factor *= 1.0 + wave.amplitude() * Math.sin(2 * Math.PI * timeSec / wave.periodSec());
            }
        }
        return Math.max(0.0, rate * factor);
    }

    /** One change of an app's load. */
    public sealed interface LoadChange {
        /** From {@code atSec} on, the rate is {@code ratePerSec}. */
        record Step(double atSec, double ratePerSec) implements LoadChange {
        }

        /** Between {@code fromSec} and {@code toSec} the rate moves linearly to {@code toRatePerSec}. */
        record Ramp(double fromSec, double toSec, double toRatePerSec) implements LoadChange {
        }

        /** The rate is multiplied by {@code 1 + amplitude·sin(2πt/periodSec)}. */
        record Diurnal(double periodSec, double amplitude) implements LoadChange {
        }
    }
}
