package dev.perch.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a simulated inference server did, phase by phase, for one model: requests completing at a
 * known rate, each with known queue and compute times. Request {@code k} of a phase completes at
 * {@code start + (k + ½) / rate}, so a phase that runs whole seconds completes {@code rate} requests
 * in each of them. From it, the counters the server would show at any moment — and, independently,
 * the figures a window of whole seconds within one phase must have.
 */
final class ServerSchedule {
    /**
     * A stretch of steady traffic.
     *
     * @param overheadMs time in the server neither queued nor computing (Triton counts it in the
     *                   request duration)
     */
    record Phase(long startMs, long endMs, int ratePerSec, double queueMs, double inputMs, double inferMs,
                 double outputMs, double overheadMs) {
        double serviceMs() {
            return inputMs + inferMs + outputMs;
        }

        double latencyMs() {
            return queueMs + serviceMs() + overheadMs;
        }

        /** Requests of this phase completed at or before {@code tMs}. */
        long completedBy(long tMs) {
            long scaled = (Math.min(tMs, endMs) - startMs) * ratePerSec; // request·ms per second
            return scaled < 500 ? 0 : (scaled - 500) / 1000 + 1;
        }
    }

    /** A server's cumulative counters for one model at one moment, in microseconds as Triton and TorchServe count. */
    record Counters(long requests, double latencyUs, double queueUs, double inputUs, double inferUs, double outputUs) {
    }

    private final List<Phase> phases = new ArrayList<>();
    /** The moment the server restarted and counted from zero again, or none. */
    private long restartMs = Long.MAX_VALUE;

    ServerSchedule phase(long startMs, long endMs, int ratePerSec, double queueMs, double inputMs, double inferMs,
                         double outputMs, double overheadMs) {
        phases.add(new Phase(startMs, endMs, ratePerSec, queueMs, inputMs, inferMs, outputMs, overheadMs));
        return this;
    }

    ServerSchedule restartAt(long ms) {
        restartMs = ms;
        return this;
    }

    /** The phase running at {@code tMs}. */
    Phase at(long tMs) {
        return phases.stream().filter(p -> p.startMs() <= tMs && tMs < p.endMs()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no phase at " + tMs));
    }

    /** Since the (last) start of the server. */
    Counters counters(long tMs) {
        Counters all = since(tMs);
        if (tMs < restartMs) {
            return all;
        }
        Counters before = since(restartMs);
        return new Counters(all.requests - before.requests, all.latencyUs - before.latencyUs, all.queueUs - before.queueUs,
                all.inputUs - before.inputUs, all.inferUs - before.inferUs, all.outputUs - before.outputUs);
    }

    private Counters since(long tMs) {
        long requests = 0;
        double latency = 0;
        double queue = 0;
        double input = 0;
        double infer = 0;
        double output = 0;
        for (Phase p : phases) {
            long n = p.completedBy(tMs);
            requests += n;
            latency += n * p.latencyMs() * 1000;
            queue += n * p.queueMs() * 1000;
            input += n * p.inputMs() * 1000;
            infer += n * p.inferMs() * 1000;
            output += n * p.outputMs() * 1000;
        }
        return new Counters(requests, latency, queue, input, infer, output);
    }

    /** Triton's page for these models, one version each. */
    static String tritonPage(List<String> models, List<Counters> counters) {
        StringBuilder page = new StringBuilder();
        String[][] families = {
                {"nv_inference_request_success", "Number of successful inference requests, all batch sizes"},
                {"nv_inference_request_duration_us", "Cumulative inference request duration in microseconds"},
                {"nv_inference_queue_duration_us", "Cumulative inference queuing duration in microseconds"},
                {"nv_inference_compute_input_duration_us", "Cumulative compute input duration in microseconds"},
                {"nv_inference_compute_infer_duration_us", "Cumulative compute inference duration in microseconds"},
                {"nv_inference_compute_output_duration_us", "Cumulative inference compute output duration in microseconds"}};
        for (int f = 0; f < families.length; f++) {
            page.append("# HELP ").append(families[f][0]).append(' ').append(families[f][1]).append('\n');
            page.append("# TYPE ").append(families[f][0]).append(" counter\n");
            for (int m = 0; m < models.size(); m++) {
                Counters c = counters.get(m);
                double value = switch (f) {
                    case 0 -> c.requests();
                    case 1 -> c.latencyUs();
                    case 2 -> c.queueUs();
                    case 3 -> c.inputUs();
                    case 4 -> c.inferUs();
                    default -> c.outputUs();
                };
                page.append(String.format(Locale.ROOT, "%s{model=\"%s\",version=\"1\"} %.0f%n", families[f][0],
                        models.get(m), value));
            }
        }
        page.append("# HELP nv_gpu_utilization GPU utilization rate [0.0 - 1.0)\n# TYPE nv_gpu_utilization gauge\n")
                .append("nv_gpu_utilization{gpu_uuid=\"GPU-0\"} 0.420000\n");
        return page.toString();
    }

    /**
     * TorchServe's page: its latency runs from arrival, so it is queue, service and overhead together;
     * its labels end with a comma; it writes decimals.
     */
    static String torchservePage(List<String> models, List<Counters> counters) {
        StringBuilder page = new StringBuilder();
        page.append("# HELP ts_inference_requests_total Total number of inference requests.\n")
                .append("# TYPE ts_inference_requests_total counter\n");
        for (int m = 0; m < models.size(); m++) {
            page.append(String.format(Locale.ROOT, "ts_inference_requests_total{model_name=\"%s\",model_version=\"default\",hostname=\"n1\",} %.1f%n",
                    models.get(m), (double) counters.get(m).requests()));
        }
        page.append("# HELP ts_inference_latency_microseconds Cumulative inference duration in microseconds\n")
                .append("# TYPE ts_inference_latency_microseconds counter\n");
        for (int m = 0; m < models.size(); m++) {
            page.append(String.format(Locale.ROOT, "ts_inference_latency_microseconds{model_name=\"%s\",model_version=\"default\",hostname=\"n1\",} %.3f%n",
                    models.get(m), counters.get(m).latencyUs()));
        }
        page.append("# HELP ts_queue_latency_microseconds Cumulative queue duration in microseconds\n")
                .append("# TYPE ts_queue_latency_microseconds counter\n");
        for (int m = 0; m < models.size(); m++) {
            page.append(String.format(Locale.ROOT, "ts_queue_latency_microseconds{model_name=\"%s\",model_version=\"default\",hostname=\"n1\",} %.3f%n",
                    models.get(m), counters.get(m).queueUs()));
        }
        return page.toString();
    }
}
