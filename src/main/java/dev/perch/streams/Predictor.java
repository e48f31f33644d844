package dev.perch.streams;

import dev.perch.model.profile.AcceleratorType;
import dev.perch.model.profile.ModelProfile;
import dev.perch.model.profile.ProfileCatalog;
import dev.perch.model.queueing.AcceleratorPrediction;
import dev.perch.model.queueing.AppLoad;
import dev.perch.model.queueing.EndToEnd;
import dev.perch.model.queueing.LatencyModels;
import dev.perch.telemetry.Samples;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/**
 * Decides what the latency models predict for every app on one accelerator, now and at the forecast
 * rates {@code horizonSec} ahead, from what each app has learned ({@link Learning}: rate and trend,
 * service and swap time, bias) with the catalog's priors, and the path outside the accelerator
 * (network, front end). An app whose model neither the catalog nor its own telemetry describes is
 * left out of the models — it cannot be given a service time — and reported with its rate only.
 * The catalog is read once per prediction, as it is then: a profile learned or added since is the
 * prior of every app of its model from that prediction on.
 */
record Predictor(Supplier<ProfileCatalog> catalog, Learning learning, double horizonSec) {
    /** Bisection steps for the time to a violation: the horizon over 2⁸, a tenth of a second at 20 s. */
    private static final int BISECTIONS = 8;

    /** A predictor whose catalog never changes. */
    Predictor(ProfileCatalog catalog, Learning learning, double horizonSec) {
        this(() -> catalog, learning, horizonSec);
    }

    /** {@code apps} in the order the accelerator first saw them; the models list them in that order too. */
    Predictions predict(AcceleratorType type, Collection<AcceleratorState.AppHistory> apps, EndToEnd path) {
        List<Predictions.Modelled> modelled = new ArrayList<>();
        List<Predictions.Unmodelled> unmodelled = new ArrayList<>();
        ProfileCatalog priors = catalog.get();
        for (AcceleratorState.AppHistory history : apps) {
            ModelProfile prior = priors.profile(history.model(), type).orElse(null);
            Learning.Service service = learning.service(history.learned(), prior, type);
            Learning.Rate rate = learning.rate(history.learned(), history.windows());
            if ("none".equals(service.source())) {
                unmodelled.add(new Predictions.Unmodelled(history, rate.ratePerSec()));
            } else {
                modelled.add(new Predictions.Modelled(history, rate, service, learning.bias(history.learned())));
            }
        }
        List<AppLoad> nowLoads = Predictions.loads(modelled, 0);
        List<AppLoad> aheadLoads = Predictions.loads(modelled, horizonSec);
        AcceleratorPrediction now = LatencyModels.predict(type, nowLoads, path);
        // Without a trend the forecast rates are today's: the models would give the same answer again.
        AcceleratorPrediction ahead = aheadLoads.equals(nowLoads) ? now : LatencyModels.predict(type, aheadLoads, path);
        return new Predictions(type, path, horizonSec, modelled, unmodelled, now, ahead);
    }

    /**
     * The earliest time within the horizon at which the app's statistic, corrected by {@code bias},
     * is predicted over its SLO (or the accelerator unstable), by bisection on the forecast rates:
     * the upper end of the last interval, so never earlier than the models say. The caller asks only
     * when the app is within its SLO now and over it at the horizon.
     */
    Double secondsToViolation(Predictions predictions, String app, Slo slo, double bias) {
        int index = predictions.indexOf(app);
        double low = 0;
        double high = predictions.horizonSec();
        for (int i = 0; i < BISECTIONS; i++) {
            double mid = (low + high) / 2;
            AcceleratorPrediction at = LatencyModels.predict(predictions.type(), predictions.loads(mid), predictions.path());
            boolean over = !(at instanceof AcceleratorPrediction.Stable s)
                    || s.apps().get(index).statistic(slo.statistic()) * bias > slo.sloMs();
            if (over) {
                high = mid;
            } else {
                low = mid;
            }
        }
        return Samples.round(high);
    }
}
