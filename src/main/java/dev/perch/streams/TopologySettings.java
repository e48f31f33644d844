package dev.perch.streams;

import dev.perch.model.profile.ProfileCatalog;

import java.util.function.Supplier;

/**
 * What the topology is built with: the profile catalog (priors) as it is now ({@code catalog}, read
 * once per prediction: a profile the controller learns or the operator adds is an app's prior from
 * the next window on), how far back the rate trend looks ({@code trendMs}; observed latency looks back
 * over each app's own SLO window), how far ahead it forecasts ({@code horizonSec}), how long re-sent
 * reports are remembered ({@code dedupRetentionMs}), the front end's service-time variability, the
 * alert hysteresis, how parameters are learned, and when a window whose reports stopped coming is
 * predicted anyway ({@code idleClose}).
 */
public record TopologySettings(Supplier<ProfileCatalog> catalog, long trendMs, double horizonSec,
                               long dedupRetentionMs, double frontendCv, AlertHysteresis hysteresis, Learning learning,
                               IdleClose idleClose) {
    /** These settings with a rule other than the defaults' on a live cluster (a replay's). */
    public TopologySettings withIdleClose(IdleClose idleClose) {
        return new TopologySettings(catalog, trendMs, horizonSec, dedupRetentionMs, frontendCv, hysteresis, learning,
                idleClose);
    }

    /** The defaults with a catalog that never changes. */
    public static TopologySettings defaults(ProfileCatalog catalog) {
        return defaults(() -> catalog);
    }

    /** The defaults with the catalog as {@code catalog} says it is at each prediction. */
    public static TopologySettings defaults(Supplier<ProfileCatalog> catalog) {
        return new TopologySettings(catalog, 30_000, 20, 10 * 60_000, 0.2, AlertHysteresis.DEFAULT,
                Learning.DEFAULT, IdleClose.LIVE);
    }
}
