package dev.perch.kubernetes;

import dev.perch.cluster.AppTelemetry;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads {@code spec.telemetry} of an InferenceApp: why it cannot be used, in one line (an API
 * server that does not run the CRD's schema hands over anything an owner wrote), and what the
 * controller publishes of it for the node agents. Pure, so the rules are tested without a server.
 *
 * <p>{@code custom} is refused on Kubernetes: its metric mapping (model labels, request counter,
 * latency, service and queue timings with their types and units) has cross-field rules that the
 * agent's config reader owns; a second copy of them in the CRD would drift from the first. Such an
 * app pushes its requests, or its node's agent is given a config file.
 */
final class TelemetrySpecs {
    static final String DEFAULT_PATH = "/metrics";
    private static final String PRESETS = Arrays.stream(TelemetryPreset.values()).filter(p -> p != TelemetryPreset.CUSTOM)
            .map(TelemetryPreset::id).collect(Collectors.joining(", "));

    private TelemetrySpecs() {
    }

    /** Why {@code telemetry} cannot be used, in one line; empty when it can (or is absent). */
    static Optional<String> invalidReason(InferenceAppTelemetry telemetry) {
        if (telemetry == null) {
            return Optional.empty();
        }
        InferenceAppTelemetry.Scrape scrape = telemetry.getScrape();
        if ((scrape == null) == (telemetry.getPush() == null)) {
            return Optional.of("spec.telemetry must state exactly one of scrape or push, got "
                    + (scrape == null ? "neither" : "both"));
        }
        if (scrape == null) {
            return Optional.empty();
        }
        if (scrape.getPreset() == null) {
            return Optional.of("spec.telemetry.scrape.preset must be one of " + PRESETS + ", got "
                    + (scrape.presetAsStated() == null ? "none" : scrape.presetAsStated()));
        }
        if (scrape.getPreset() == TelemetryPreset.CUSTOM) {
            return Optional.of("spec.telemetry.scrape.preset custom is not supported on Kubernetes (its metric names have"
                    + " no place in the InferenceApp): use one of " + PRESETS + ", push, or an agent config file");
        }
        Integer port = scrape.getPort();
        if (port == null || port < 1 || port > 65535) {
            return Optional.of("spec.telemetry.scrape.port must be a whole number from 1 to 65535, got "
                    + (scrape.portAsStated() == null ? "none" : scrape.portAsStated()));
        }
        String path = scrape.getPath();
        if (path != null && !path.matches("/\\S*")) {
            return Optional.of("spec.telemetry.scrape.path must start with / and hold no spaces, got '" + path + "'");
        }
        if (scrape.getServerModel() != null && scrape.getServerModel().isBlank()) {
            return Optional.of("spec.telemetry.scrape.serverModel must not be blank");
        }
        return Optional.empty();
    }

    /**
     * The app's telemetry for the agents, defaults filled in ({@code path} {@value #DEFAULT_PATH},
     * {@code serverModel} the app's model), with the IP of its pod on each accelerator it runs on;
     * empty when the app publishes its own. Only for an app whose spec is valid.
     */
    static Optional<AppTelemetry> of(InferenceAppSpec spec, Map<String, String> podIps) {
        InferenceAppTelemetry telemetry = spec.getTelemetry();
        if (telemetry == null) {
            return Optional.empty();
        }
        InferenceAppTelemetry.Scrape scrape = telemetry.getScrape();
        if (scrape == null) {
            return Optional.of(new AppTelemetry.Push());
        }
        return Optional.of(new AppTelemetry.Scrape(scrape.getPreset().id(), scrape.getPort(),
                scrape.getPath() == null ? DEFAULT_PATH : scrape.getPath(),
                scrape.getServerModel() == null ? spec.getModel() : scrape.getServerModel(), podIps));
    }
}
