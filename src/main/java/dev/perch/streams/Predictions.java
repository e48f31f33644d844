package dev.perch.streams;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.queueing.AcceleratorPrediction;
import dev.perch.model.queueing.AppLatency;
import dev.perch.model.queueing.AppLoad;
import dev.perch.model.queueing.EndToEnd;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link Predictor} found on one accelerator: every modelled app's inputs to the models, the
 * apps it could not model, and the models' answer now and at the forecast rates {@code horizonSec}
 * ahead. {@code now} and {@code ahead} list the modelled apps in the same order.
 */
record Predictions(AcceleratorType type, EndToEnd path, double horizonSec, List<Modelled> modelled,
                   List<Unmodelled> unmodelled, AcceleratorPrediction now, AcceleratorPrediction ahead) {
    Predictions {
        modelled = List.copyOf(modelled);
        unmodelled = List.copyOf(unmodelled);
    }

    /**
     * One app's inputs to the models, as learned, and the factor its predicted latencies are
     * corrected by (its bias before this window is compared with them), each with its uncertainty.
     */
    record Modelled(AcceleratorState.AppHistory history, Learning.Rate rate, Learning.Service service, Learning.Bias bias) {
    }

    /** An app whose model neither the catalog nor its telemetry describes yet: only its rate is known. */
    record Unmodelled(AcceleratorState.AppHistory history, double ratePerSec) {
    }

    /** The app's position among the modelled ones, or -1 when it is not modelled. */
    int indexOf(String app) {
        for (int i = 0; i < modelled.size(); i++) {
            if (modelled.get(i).history().app().equals(app)) {
                return i;
            }
        }
        return -1;
    }

    /** The modelled app's latency now, uncorrected; null when the accelerator is predicted unstable. */
    AppLatency now(int index) {
        return now instanceof AcceleratorPrediction.Stable s ? s.apps().get(index) : null;
    }

    /** The modelled app's latency at the horizon, uncorrected; null when predicted unstable there. */
    AppLatency ahead(int index) {
        return ahead instanceof AcceleratorPrediction.Stable s ? s.apps().get(index) : null;
    }

    /** The models' inputs with every app at its forecast rate {@code atSec} ahead (0: now). */
    List<AppLoad> loads(double atSec) {
        return loads(modelled, atSec);
    }

    static List<AppLoad> loads(List<Modelled> modelled, double atSec) {
        List<AppLoad> loads = new ArrayList<>(modelled.size());
        for (Modelled m : modelled) {
            loads.add(new AppLoad(m.history().app(), m.history().model(), m.rate().forecast(atSec),
                    m.service().serviceMs(), m.service().modelSwapMs(), m.service().serviceCv()));
        }
        return loads;
    }
}
