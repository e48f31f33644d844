package dev.perch.streams;

import dev.perch.model.profile.ProfileCatalog;

/**
 * What the topology is built with: the profile catalog (priors), how far back the rate trend looks
 * ({@code trendMs}; observed latency looks back over each app's own SLO window), how far ahead it forecasts
 * ({@code horizonSec}), how long re-sent reports are remembered ({@code dedupRetentionMs}), the front
 * end's service-time variability, the alert hysteresis, and how parameters are learned.
 */
public record TopologySettings(ProfileCatalog catalog, long trendMs, double horizonSec,
                               long dedupRetentionMs, double frontendCv, AlertHysteresis hysteresis, Learning learning) {
    public static TopologySettings defaults(ProfileCatalog catalog) {
        return new TopologySettings(catalog, 30_000, 20, 10 * 60_000, 0.2, AlertHysteresis.DEFAULT,
                Learning.DEFAULT);
    }
}
