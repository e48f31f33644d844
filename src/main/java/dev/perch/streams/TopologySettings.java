package dev.perch.streams;

import dev.perch.model.profile.ProfileCatalog;

/**
 * What the topology is built with: the profile catalog (priors), how far back an app's observations
 * count ({@code historyMs}), how long re-sent reports are remembered ({@code dedupRetentionMs}), the
 * front end's service-time variability, and the alert hysteresis.
 */
public record TopologySettings(ProfileCatalog catalog, long historyMs, long dedupRetentionMs, double frontendCv,
                               AlertHysteresis hysteresis) {
    public static TopologySettings defaults(ProfileCatalog catalog) {
        return new TopologySettings(catalog, 10_000, 10 * 60_000, 0.2, AlertHysteresis.DEFAULT);
    }
}
