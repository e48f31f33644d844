package dev.perch.cli;

import io.smallrye.config.ConfigValidationException;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@code demo}, {@code run} and {@code replay} report an application that did not start. */
class StartupFailureTest {
    @Test
    void aSettingThatDoesNotConvertIsBadInputSaidOnOneLine() {
        ConfigValidationException invalid = new ConfigValidationException(new ConfigValidationException.Problem[]{
                new ConfigValidationException.Problem("java.lang.IllegalArgumentException: SRCFG00039: The config property"
                        + " perch.cooldown-sec with the config value \"abc\" threw an Exception whilst being converted\n"
                        + "SRCFG00031: Expected a double value, got \"abc\"")});
        RuntimeException failure = new RuntimeException("Failed to start quarkus", invalid);
        assertTrue(StartupFailure.badConfiguration(failure));
        assertEquals("bad configuration: SRCFG00039: The config property perch.cooldown-sec with the config value \"abc\""
                + " threw an Exception whilst being converted SRCFG00031: Expected a double value, got \"abc\"",
                StartupFailure.message(failure));
    }

    @Test
    void aValueAComponentRefusesIsBadInputAndAnythingElseIsNot() {
        assertTrue(StartupFailure.badConfiguration(new RuntimeException("Failed to start quarkus",
                new IllegalArgumentException("consolidation must pack no tighter than placement"))));
        assertFalse(StartupFailure.badConfiguration(new RuntimeException("Failed to start quarkus",
                new UncheckedIOException(new java.io.IOException("Address already in use")))));
        assertEquals("IOException: Address already in use", StartupFailure.message(
                new RuntimeException("x", new UncheckedIOException(new java.io.IOException("Address already in use")))));
    }
}
