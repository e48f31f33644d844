package dev.perch.streams;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stated 95 % intervals hold the simulator's truth about as often as they say (loadtests: the full table). */
class ConfidenceCoverageTest {
    @Test
    void intervalsHoldTheTruthAboutNineteenTimesInTwenty() throws Exception {
        ConfidenceCoverage.Tally tally = new ConfidenceCoverage.Tally();
        ConfidenceCoverage.run(1, 8, 120, tally);
        System.err.println(tally.table());
        tally.heldOfTotal.forEach((parameter, counts) -> {
            double coverage = counts[0] / (double) counts[1];
            assertTrue(coverage >= 0.85 && coverage <= 0.995, parameter + ": " + tally.table());
        });
    }
}
