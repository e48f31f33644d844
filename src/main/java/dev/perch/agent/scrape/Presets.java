package dev.perch.agent.scrape;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The inference servers the agent reads without configuration, by the metric names their own
 * documentation and code give (checked 2026; the source of each is cited). A name not here is a
 * {@code custom} target, whose names the config gives.
 */
public final class Presets {
    /** The name of the preset whose metric names the config gives. */
    public static final String CUSTOM = "custom";

    /**
     * NVIDIA Triton: per-model counters labelled {@code model} (and {@code version}, summed),
     * cumulative microseconds. Time on the device is compute input + infer + output; the
     * {@code *_summary_us} quantiles are there only with {@code --metrics-config summary_latencies=true}.
     * Source: https://github.com/triton-inference-server/server/blob/main/docs/user_guide/metrics.md
     * (default endpoint http://localhost:8002/metrics).
     */
    public static final Preset TRITON = new Preset("triton", List.of("model"), "nv_inference_request_success", Map.of(),
            new Timing.Counters(List.of("nv_inference_request_duration_us"), MetricUnit.MICROSECONDS),
            new Timing.Counters(List.of("nv_inference_compute_input_duration_us", "nv_inference_compute_infer_duration_us",
                    "nv_inference_compute_output_duration_us"), MetricUnit.MICROSECONDS),
            new Timing.Counters(List.of("nv_inference_queue_duration_us"), MetricUnit.MICROSECONDS),
            new Timing.Summary("nv_inference_request_summary_us", MetricUnit.MICROSECONDS));

    /**
     * TorchServe ({@code metrics_mode=prometheus}, or {@code legacy}): counters labelled
     * {@code model_name} (with {@code model_version} and {@code hostname}, or {@code uuid} before
     * 0.8, summed). Its inference latency runs from the request's arrival, so it includes the queue.
     * Source: https://pytorch.org/serve/metrics.html and https://pytorch.org/serve/metrics_api.html
     * (metrics API on port 8082, /metrics).
     */
    public static final Preset TORCHSERVE = new Preset("torchserve", List.of("model_name"), "ts_inference_requests_total",
            Map.of(),
            new Timing.Counters(List.of("ts_inference_latency_microseconds"), MetricUnit.MICROSECONDS),
            new Timing.LatencyLessQueue(),
            new Timing.Counters(List.of("ts_queue_latency_microseconds"), MetricUnit.MICROSECONDS),
            null);

    /**
     * OpenVINO Model Server ({@code --metrics_enable}, on the REST port): histograms labelled
     * {@code name} (and {@code version}, {@code interface}, summed), in microseconds. Its request
     * counter also counts metadata and status calls, so only the inference methods are counted.
     * Source: https://docs.openvino.ai/2024/ovms_docs_metrics.html
     * (https://github.com/openvinotoolkit/model_server/blob/main/docs/metrics.md).
     */
    public static final Preset OVMS = new Preset("ovms", List.of("name"), "ovms_requests_success",
            Map.of("method", Set.of("Predict", "ModelInfer")),
            new Timing.Histogram("ovms_request_time_us", MetricUnit.MICROSECONDS),
            new Timing.Histogram("ovms_inference_time_us", MetricUnit.MICROSECONDS),
            new Timing.Histogram("ovms_wait_for_infer_req_time_us", MetricUnit.MICROSECONDS),
            null);

    /**
     * KServe's Python model server (sklearn, xgboost, lightgbm, pmml, paddle and custom predictors):
     * a histogram of the predict step in seconds, labelled {@code model_name}, on the HTTP port
     * (8080). No request counter: the histogram's count is the requests. It times predict only —
     * not the queue, not pre- or post-processing.
     * Source: https://kserve.github.io/website/latest/modelserving/observability/prometheus_metrics/
     * and python/kserve/kserve/metrics.py in https://github.com/kserve/kserve.
     */
    public static final Preset KSERVE = new Preset("kserve", List.of("model_name"), null, Map.of(),
            new Timing.Histogram("request_predict_seconds", MetricUnit.SECONDS), null, null, null);

    /**
     * Seldon MLServer (metrics server on port 8082, /metrics): a success counter and a summary of
     * request duration in seconds (prometheus_client's, so {@code _sum} and {@code _count}, no
     * quantiles). Its documentation labels model metrics {@code model_name}; its code
     * (mlserver/handlers/dataplane.py) labels these {@code model}: both are accepted.
     * Source: https://docs.seldon.ai/mlserver/user-guide/metrics and
     * https://github.com/SeldonIO/MLServer/blob/master/mlserver/handlers/dataplane.py.
     */
    public static final Preset MLSERVER = new Preset("mlserver", List.of("model_name", "model"),
            "model_infer_request_success", Map.of(),
            new Timing.Summary("model_infer_request_duration", MetricUnit.SECONDS), null, null,
            new Timing.Summary("model_infer_request_duration", MetricUnit.SECONDS));

    /** The built-in presets, by name. */
    public static final Map<String, Preset> BUILT_IN = Map.of(
            TRITON.name(), TRITON, TORCHSERVE.name(), TORCHSERVE, OVMS.name(), OVMS, KSERVE.name(), KSERVE,
            MLSERVER.name(), MLSERVER);

    private Presets() {
    }

    public static Optional<Preset> builtIn(String name) {
        return Optional.ofNullable(BUILT_IN.get(name));
    }

    /** Every name a target's {@code preset} may have, for messages. */
    public static List<String> names() {
        return List.of(TRITON.name(), TORCHSERVE.name(), OVMS.name(), KSERVE.name(), MLSERVER.name(), CUSTOM);
    }
}
