package dev.perch.agent.scrape;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How to read one inference server's metrics page for one of its models: the label that names the
 * model, the counter of completed requests, and where latency, time on the device and time in the
 * queue come from. The built-in presets ({@link Presets}) and a {@code custom} target's metric names
 * from the config are both this record, so every server is read by the same code.
 *
 * @param name            the preset's name in the config
 * @param modelLabels     labels that may carry the server's model name; a sample belongs to the model
 *                        when any of them equals it (MLServer's documentation and code disagree)
 * @param requests        the counter of completed requests, or {@code null} to count the requests of
 *                        the latency histogram or summary ({@code _count})
 * @param requestLabels   further label filters on the request counter (OVMS counts metadata and
 *                        status calls in the same counter): label → accepted values
 * @param latency         end-to-end latency; required
 * @param service         time on the device, or {@code null} when the server does not say
 * @param queue           time waiting in the server's queue, or {@code null}
 * @param quantiles       a summary whose {@code quantile} series give p50/p95/p99 when the latency has
 *                        no buckets, or {@code null}
 */
public record Preset(String name, List<String> modelLabels, String requests, Map<String, Set<String>> requestLabels,
                     Timing latency, Timing service, Timing queue, Timing.Summary quantiles) {
    public Preset {
        modelLabels = List.copyOf(modelLabels);
        requestLabels = Map.copyOf(requestLabels);
        if (modelLabels.isEmpty()) {
            throw new IllegalArgumentException("a preset needs the label that names the model");
        }
        if (latency == null || latency instanceof Timing.LatencyLessQueue) {
            throw new IllegalArgumentException("a preset needs a latency counter, histogram or summary");
        }
        if (requests == null && latency instanceof Timing.Counters) {
            throw new IllegalArgumentException("latency counters carry no count: a preset with them needs a request counter");
        }
        if (queue instanceof Timing.LatencyLessQueue) {
            throw new IllegalArgumentException("only the service time may be latency less queue");
        }
        if (service instanceof Timing.LatencyLessQueue && queue == null) {
            throw new IllegalArgumentException("service time as latency less queue needs a queue timing");
        }
    }
}
