package dev.perch.model.queueing;

import dev.perch.model.profile.AcceleratorType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyModelsTest {
    @Test
    void aSaturatedAcceleratorIsUnstableNotANumber() {
        AcceleratorPrediction prediction = LatencyModels.predict(AcceleratorType.EDGETPU,
                List.of(AppLoad.of("a", 8, 125.13, 19.43)), EndToEnd.NONE);
        AcceleratorPrediction.Unstable unstable = assertInstanceOf(AcceleratorPrediction.Unstable.class, prediction);
        assertEquals(8 * 0.12513, unstable.utilization(), 1e-9);
        assertInstanceOf(AcceleratorPrediction.Unstable.class, LatencyModels.predict(AcceleratorType.GPU,
                List.of(AppLoad.of("a", 40, 25, 0)), EndToEnd.NONE), "ρ = 1 exactly is unstable");
    }

    @Test
    void aSaturatedFrontEndIsUnstableToo() {
        AcceleratorPrediction prediction = LatencyModels.predict(AcceleratorType.GPU,
                List.of(AppLoad.of("a", 60, 5, 0)), new EndToEnd(10, 20, 0.2));
        assertTrue(((AcceleratorPrediction.Unstable) prediction).reason().contains("front end of a"));
    }

    @Test
    void processorSharingStretchesEachAppByTheSameFactor() {
        // Textbook M/G/1-PS: T_i = S_i / (1 − ρ); ρ = 0.010·30 + 0.020·10 = 0.5.
        var stable = (AcceleratorPrediction.Stable) LatencyModels.predict(AcceleratorType.GPU,
                List.of(AppLoad.of("a", 10, 30, 0), AppLoad.of("b", 20, 10, 0)), new EndToEnd(10, 0, 0));
        assertEquals(10 + 60, stable.apps().get(0).meanMs(), 1e-9);
        assertEquals(10 + 20, stable.apps().get(1).meanMs(), 1e-9);
    }

    @Test
    void badInputsAreRefusedWithTheFieldName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AppLoad.of("a", -1, 5, 0));
        assertTrue(e.getMessage().startsWith("ratePerSec"));
        assertThrows(IllegalArgumentException.class, () -> AppLoad.of("a", 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> AppLoad.of("a", Double.NaN, 5, 0));
    }
}
