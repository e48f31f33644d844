package dev.perch.streams;

import dev.perch.cli.ValidateCommandTestAccess;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.PredictionRecord;
import dev.perch.telemetry.RecordedRequest;
import dev.perch.telemetry.RecordingWindows;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared Edge TPU recording replayed as telemetry through the topology, each load step on its
 * own: what the topology learns against what the recording itself shows.
 */
class LearningFromRecordingTest {
    /** The steps whose load is highest, where an error in the rate does the most harm to the mean. */
    private static final List<String> BUSIEST_STEPS = List.of("0.4", "0.5");

    @Test
    void learnedParametersAndPredictionsMatchTheRecording() throws Exception {
        List<RecordedRequest> recording = ValidateCommandTestAccess.ibisRecording();
        Map<String, PredictionRecord.AppPrediction> last = new LinkedHashMap<>();
        try (TopologyFixture fx = new TopologyFixture()) {
            for (RecordingWindows.StepReport r : RecordingWindows.reports(recording, TopologyFixture.T0)) {
                fx.send(r.report());
            }
            for (String value : fx.predictions.readValuesToList()) {
                PredictionRecord prediction = Json.read(value, PredictionRecord.class);
                for (PredictionRecord.AppPrediction app : prediction.apps()) {
                    last.put(prediction.accelerator() + " " + app.app(), app);
                }
            }
            assertTrue(fx.dlq.isEmpty());
        }
        assertEquals(10, last.size(), "five steps × two models");

        List<Double> rateErrors = new ArrayList<>();
        List<Double> serviceErrors = new ArrayList<>();
        List<Double> swapErrors = new ArrayList<>();
        List<Double> meanErrors = new ArrayList<>();
        List<Double> p95Errors = new ArrayList<>();
        List<Double> busiestMeanErrors = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        for (String step : List.of("0.1", "0.2", "0.3", "0.4", "0.5")) {
            List<RecordedRequest> inStep = recording.stream().filter(r -> r.step().equals(step)).toList();
            Map<String, double[]> truth = groundTruth(inStep);
            for (String model : List.of("inception_v4", "mobilenet_v2")) {
                PredictionRecord.AppPrediction learned = last.get("ibis-" + step + "/tpu0 " + model);
                List<RecordedRequest> mine = inStep.stream().filter(r -> r.model().equals(model)).toList();
                double first = mine.stream().mapToDouble(RecordedRequest::arrivalMs).min().orElseThrow();
                double lastArrival = mine.stream().mapToDouble(RecordedRequest::arrivalMs).max().orElseThrow();
                double rate = mine.size() * 1000.0 / (lastArrival - first);
                double[] latencies = mine.stream().mapToDouble(RecordedRequest::latencyMs).sorted().toArray();
                double mean = Arrays.stream(latencies).average().orElseThrow();
                double p95 = latencies[(int) Math.ceil(0.95 * latencies.length) - 1];
                double[] service = truth.get(model);
                rateErrors.add(Math.abs(learned.ratePerSec() - rate) / rate);
                if (BUSIEST_STEPS.contains(step)) {
                    busiestMeanErrors.add(Math.abs(learned.meanMs() - mean) / mean);
                }
                serviceErrors.add(Math.abs(learned.serviceMs() - service[0]) / service[0]);
                swapErrors.add(Math.abs(learned.swapMs() - service[1]) / service[1]);
                meanErrors.add(Math.abs(learned.meanMs() - mean) / mean);
                p95Errors.add(Math.abs(learned.p95Ms() - p95) / p95);
                table.append(String.format("%n%s %-13s rate %.3f/%.3f  S %.2f/%.2f  O %.2f/%.2f  cv %.3f  bias %.3f ± %.3f  mean %.1f/%.1f  p95 %.1f/%.1f",
                        step, model, learned.ratePerSec(), rate, learned.serviceMs(), service[0], learned.swapMs(), service[1],
                        learned.serviceCv(), learned.biasFactor(), learned.confidence().bias().stdErr(), learned.meanMs(), mean, learned.p95Ms(), p95));
            }
        }
        System.err.printf(java.util.Locale.ROOT, "learned/recorded:%s%naverage errors: rate %.2f %%, mean %.2f %%, p95 %.2f %%%n",
                table, 100 * average(rateErrors), 100 * average(meanErrors), 100 * average(p95Errors));
        for (double e : rateErrors) {
            assertTrue(e <= 0.03, "rate within 3 %" + table);
        }
        assertTrue(average(rateErrors) <= 0.01, "rate within 1 % on average: " + average(rateErrors) + table);
        for (int i = 0; i < serviceErrors.size(); i++) {
            assertTrue(serviceErrors.get(i) <= 0.10, "service within 10 %" + table);
            assertTrue(swapErrors.get(i) <= 0.10, "swap within 10 %" + table);
        }
        assertTrue(average(meanErrors) <= 0.03, "mean within 3 % on average: " + average(meanErrors) + table);
        assertTrue(average(p95Errors) <= 0.05, "p95 within 5 % on average: " + average(p95Errors) + table);
        for (double e : busiestMeanErrors) {
            assertTrue(e <= 0.06, "mean within 6 % on the busiest steps" + table);
        }
    }

    /** Per model: mean service without a swap, and the extra mean time of a swapped request. */
    private static Map<String, double[]> groundTruth(List<RecordedRequest> step) {
        List<RecordedRequest> served = new ArrayList<>(step);
        served.sort(Comparator.comparingDouble(RecordedRequest::completionMs));
        Map<String, double[]> sums = new LinkedHashMap<>(); // plainSum, plainN, swapSum, swapN
        double freeAt = Double.NEGATIVE_INFINITY;
        String previous = null;
        for (RecordedRequest r : served) {
            double service = r.completionMs() - Math.max(r.queuedMs(), freeAt);
            boolean swap = previous != null && !previous.equals(r.model());
            double[] s = sums.computeIfAbsent(r.model(), k -> new double[4]);
            s[swap ? 2 : 0] += service;
            s[swap ? 3 : 1] += 1;
            freeAt = r.completionMs();
            previous = r.model();
        }
        Map<String, double[]> truth = new LinkedHashMap<>();
        sums.forEach((model, s) -> truth.put(model, new double[]{s[0] / s[1], s[2] / s[3] - s[0] / s[1]}));
        return truth;
    }

    private static double average(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }
}
