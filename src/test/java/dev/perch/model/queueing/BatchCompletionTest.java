package dev.perch.model.queueing;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Jobs submitted together on real devices (Ibis measurements): the Jetson Nano GPU shares by
 * processor sharing, the Edge TPU serves one at a time. Predicted from each job's time alone, the
 * concurrent times are within 3 %.
 */
class BatchCompletionTest {
    /** Mean response time per (model, process_type), in file order of first appearance. */
    private static Map<String, Double> means(String file) throws Exception {
        Map<String, List<Double>> samples = new LinkedHashMap<>();
        try (var reader = new BufferedReader(new InputStreamReader(
                BatchCompletionTest.class.getClassLoader().getResourceAsStream("dev/perch/ibis/" + file), StandardCharsets.UTF_8))) {
            reader.readLine();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String[] c = line.split(",");
                samples.computeIfAbsent(c[0] + "/" + c[1], k -> new ArrayList<>()).add(Double.parseDouble(c[2]));
            }
        }
        Map<String, Double> means = new LinkedHashMap<>();
        samples.forEach((k, v) -> means.put(k, v.stream().mapToDouble(Double::doubleValue).average().orElseThrow()));
        return means;
    }

    @Test
    void jetsonGpuJobsStartedTogetherFinishAsProcessorSharingPredicts() throws Exception {
        Map<String, Double> m = means("trt_ps_validation.csv");
        String[] models = {"Yolo4-tiny", "Resnet50", "EfficientNet-B3"};
        double[] alone = new double[3];
        for (int i = 0; i < 3; i++) {
            alone[i] = m.get(models[i] + "/Sequential");
        }
        double[] together = BatchCompletion.processorSharingMs(alone);
        for (int i = 0; i < 3; i++) {
            double observed = m.get(models[i] + "/Concurrent");
            assertEquals(observed, together[i], observed * 0.03, models[i]);
        }
    }

    @Test
    void edgeTpuJobsSubmittedTogetherFinishAtTheRunningSum() throws Exception {
        Map<String, Double> m = means("edgetpu_fcfs_validation.csv");
        String[] models = {"ENets-S", "ENets-M", "ENets-L", "Inception V4", "SSD Mobilenet V2"};
        double[] alone = new double[models.length];
        for (int i = 0; i < models.length; i++) {
            alone[i] = m.get(models[i] + "/Sequential");
        }
        double[] together = BatchCompletion.fcfsMs(alone);
        for (int i = 0; i < models.length; i++) {
            double observed = m.get(models[i] + "/Concurrent");
            assertEquals(observed, together[i], observed * 0.03, models[i]);
        }
    }

    @Test
    void textbookCases() {
        assertEquals(List.of(30.0, 50.0, 60.0), toList(BatchCompletion.processorSharingMs(new double[]{10, 20, 30})));
        assertEquals(List.of(10.0, 30.0, 60.0), toList(BatchCompletion.fcfsMs(new double[]{10, 20, 30})));
    }

    private static List<Double> toList(double[] values) {
        List<Double> out = new ArrayList<>();
        for (double v : values) {
            out.add(v);
        }
        return out;
    }
}
