package dev.perch.kubernetes;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

import java.util.Arrays;

/**
 * How an app's telemetry reaches Perch ({@code spec.telemetry}): Perch's node agent scrapes the
 * app's metrics endpoint ({@code scrape}), or the app pushes per-request records to the agent
 * ({@code push}). Absent, the app publishes its own telemetry. The schema's rule holds the
 * one-of on a server that runs CEL; {@link TelemetrySpecs} holds it (and every other rule) on any.
 */
@ValidationRule(value = "has(self.scrape) != has(self.push)", message = "state exactly one of scrape or push")
public class InferenceAppTelemetry {
    @JsonPropertyDescription("Perch's node agent scrapes the app's Prometheus/OpenMetrics endpoint on the pod serving it.")
    private Scrape scrape;

    @JsonPropertyDescription("The app pushes per-request records to Perch's node agent on its node (POST /v1/requests).")
    private Push push;

    /** Where and how the agent reads the inference server's metrics. */
    public static class Scrape {
        @Required
        @JsonPropertyDescription("The server's metric names: triton, torchserve, ovms, kserve or mlserver"
                + " (custom is not supported on Kubernetes yet: use push, or an agent with a config file).")
        private TelemetryPreset preset;

        @JsonIgnore
        private JsonNode presetAsStated;

        @Required
        @Min(1)
        @Max(65535)
        @JsonPropertyDescription("The container port the metrics endpoint listens on (1-65535).")
        private Integer port;

        /** The port as the server holds it; see {@link InferenceAppSpec#sloWindowSecAsStated()} for why. */
        @JsonIgnore
        private JsonNode portAsStated;

        @Default("/metrics")
        @Pattern("^/[^\\s]*$")
        @JsonPropertyDescription("The endpoint's path (default /metrics).")
        private String path;

        @JsonPropertyDescription("The model's name as the server labels it, when it differs from spec.model (default spec.model).")
        private String serverModel;

        public TelemetryPreset getPreset() {
            return preset;
        }

        /**
         * Read by hand, not by Jackson's enum reading: an unknown name would fail the reading of the
         * whole list the informer holds, not just this app (which is answered as invalid instead).
         */
        @JsonSetter("preset")
        public void setPreset(JsonNode value) {
            presetAsStated = value == null || value.isNull() ? null : value;
            preset = presetAsStated == null || !presetAsStated.isTextual() ? null : Arrays.stream(TelemetryPreset.values())
                    .filter(p -> p.id().equals(presetAsStated.asText())).findFirst().orElse(null);
        }

        /** States the preset. */
        public Scrape preset(TelemetryPreset preset) {
            setPreset(TextNode.valueOf(preset.id()));
            return this;
        }

        /** The preset exactly as stated, null when absent. */
        public JsonNode presetAsStated() {
            return presetAsStated;
        }

        /** The port; null when absent or not a whole number ({@link #portAsStated()} has it then). */
        public Integer getPort() {
            return port;
        }

        @JsonSetter("port")
        public void setPort(JsonNode value) {
            portAsStated = value == null || value.isNull() ? null : value;
            double number = portAsStated != null && portAsStated.isNumber() ? portAsStated.asDouble() : Double.NaN;
            port = number == Math.rint(number) && Math.abs(number) <= Integer.MAX_VALUE ? (int) number : null;
        }

        /** States the port. */
        public Scrape port(int port) {
            setPort(IntNode.valueOf(port));
            return this;
        }

        /** The port exactly as stated, null when absent. */
        public JsonNode portAsStated() {
            return portAsStated;
        }

        public String getPath() {
            return path;
        }

        public void setPath(String path) {
            this.path = path;
        }

        public String getServerModel() {
            return serverModel;
        }

        public void setServerModel(String serverModel) {
            this.serverModel = serverModel;
        }
    }

    /**
     * Nothing to state: the agent learns the app, model and accelerator from Perch. (Annotated so that
     * Jackson writes it as {@code {}} rather than refusing a class without properties.)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Push {
    }

    public Scrape getScrape() {
        return scrape;
    }

    public void setScrape(Scrape scrape) {
        this.scrape = scrape;
    }

    public Push getPush() {
        return push;
    }

    public void setPush(Push push) {
        this.push = push;
    }
}
