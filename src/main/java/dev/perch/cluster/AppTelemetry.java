package dev.perch.cluster;

import java.util.Map;
import java.util.Optional;

/**
 * How an app's telemetry reaches Perch when Perch's node agent carries it: the agent scrapes the
 * app's metrics endpoint, or the app pushes its requests to the agent. An app without one publishes
 * its own telemetry.
 */
public sealed interface AppTelemetry {
    /**
     * The agent scrapes {@code http://<pod IP>:<port><path>} and reads the series of
     * {@code serverModel} by the {@code preset}'s metric names. {@code podIps} holds, per accelerator
     * the app runs on (two during a move), the IP of the pod serving it there, for those pods that
     * have one yet.
     */
    record Scrape(String preset, int port, String path, String serverModel, Map<String, String> podIps)
            implements AppTelemetry {
        public Scrape {
            podIps = Map.copyOf(podIps);
        }

        /** The IP of the pod serving the app on {@code accelerator}, if it has one. */
        public Optional<String> podIp(String accelerator) {
            return Optional.ofNullable(podIps.get(accelerator));
        }
    }

    /** The app posts per-request records to the agent on its node. */
    record Push() implements AppTelemetry {
    }
}
