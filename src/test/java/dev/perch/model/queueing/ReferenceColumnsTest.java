package dev.perch.model.queueing;

import dev.perch.model.profile.AcceleratorType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The single-model reference columns the Ibis authors published with their Edge TPU recording
 * ({@code expected_time_md1}, {@code expected_time_mm1}) are reproduced by Perch's FCFS model with one
 * app: deterministic service (CV 0) gives M/D/1, exponential service (CV 1) gives M/M/1.
 */
class ReferenceColumnsTest {
    record Step(String model, double serviceRate, double inputRate, double md1Ms, double mm1Ms) {
    }

    static Stream<Arguments> steps() throws Exception {
        Map<String, Step> steps = new LinkedHashMap<>();
        try (var in = ReferenceColumnsTest.class.getClassLoader()
                .getResourceAsStream("dev/perch/ibis/queuing_tpu_inception_v4Xmobilenet_v2.csv.gz");
             var reader = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8))) {
            List<String> header = Arrays.asList(reader.readLine().split(","));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String[] c = line.split(",");
                String key = c[header.indexOf("model")] + "@" + c[header.indexOf("vary_rho")];
                steps.putIfAbsent(key, new Step(c[header.indexOf("model")],
                        Double.parseDouble(c[header.indexOf("service_rate")]),
                        Double.parseDouble(c[header.indexOf("input_rate")]),
                        Double.parseDouble(c[header.indexOf("expected_time_md1")]),
                        Double.parseDouble(c[header.indexOf("expected_time_mm1")])));
            }
        }
        List<Arguments> out = new ArrayList<>();
        steps.forEach((key, step) -> out.add(Arguments.of(key, step)));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("steps")
    void singleModelReferenceValuesAreReproducedWithinOneTenthOfAPercent(String name, Step step) {
        double serviceMs = 1000 / step.serviceRate();
        double md1 = onlyApp(new AppLoad("a", "m", step.inputRate(), serviceMs, 0, 0));
        double mm1 = onlyApp(new AppLoad("a", "m", step.inputRate(), serviceMs, 0, 1));
        assertEquals(step.md1Ms(), md1, step.md1Ms() * 0.001, "M/D/1");
        assertEquals(step.mm1Ms(), mm1, step.mm1Ms() * 0.001, "M/M/1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("steps")
    void processorSharingWithOneAppIsTheMm1Mean(String name, Step step) {
        // For one app, M/G/1-PS has the M/M/1 mean S/(1−ρ) whatever the service distribution.
        AcceleratorPrediction prediction = LatencyModels.predict(AcceleratorType.GPU,
                List.of(new AppLoad("a", "m", step.inputRate(), 1000 / step.serviceRate(), 0, 0)), EndToEnd.NONE);
        AcceleratorPrediction.Stable stable = assertInstanceOf(AcceleratorPrediction.Stable.class, prediction);
        assertEquals(step.mm1Ms(), stable.apps().get(0).meanMs(), step.mm1Ms() * 0.001);
    }

    private static double onlyApp(AppLoad app) {
        AcceleratorPrediction prediction = LatencyModels.predict(AcceleratorType.EDGETPU, List.of(app), EndToEnd.NONE);
        return assertInstanceOf(AcceleratorPrediction.Stable.class, prediction).apps().get(0).meanMs();
    }
}
