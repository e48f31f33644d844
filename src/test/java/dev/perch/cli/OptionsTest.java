package dev.perch.cli;

import dev.perch.runtime.Speed;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionsTest {
    @Test
    void optionsTakeSpaceOrEqualsForm() {
        Options options = Options.parse(List.of("--seed", "7", "--speed=max"), Set.of("seed", "speed"));
        assertEquals(7, options.getLong("seed", 1));
        assertEquals("max", options.get("speed").orElseThrow());
        assertEquals(3, options.getLong("absent", 3));
    }

    @Test
    void badOptionsSayWhatIsWrongInOneLine() {
        assertEquals("unknown option --x (accepted: --seed)",
                assertThrows(UsageException.class, () -> Options.parse(List.of("--x", "1"), Set.of("seed"))).getMessage());
        assertEquals("--seed needs a value",
                assertThrows(UsageException.class, () -> Options.parse(List.of("--seed"), Set.of("seed"))).getMessage());
        assertEquals("unexpected argument 'oops'",
                assertThrows(UsageException.class, () -> Options.parse(List.of("oops"), Set.of("seed"))).getMessage());
    }

    @Test
    void durationsAcceptTheUsualUnits() {
        assertEquals(60, Options.parseDurationSec("duration", "60s"));
        assertEquals(120, Options.parseDurationSec("duration", "2m"));
        assertEquals(0.5, Options.parseDurationSec("duration", "500ms"));
        assertEquals(3600, Options.parseDurationSec("duration", "1h"));
        assertEquals(45, Options.parseDurationSec("duration", "45"));
        for (String bad : List.of("", "-3s", "0s", "soon", "NaNs")) {
            assertTrue(assertThrows(UsageException.class, () -> Options.parseDurationSec("duration", bad)).getMessage()
                    .startsWith("--duration must be a positive duration"), bad);
        }
    }

    @Test
    void speedIsAFactorOrMax() {
        assertEquals(new Speed(1, false), Speed.parse("1"));
        assertEquals(new Speed(20, false), Speed.parse("20"));
        assertTrue(Speed.parse("max").lockStep());
        for (String bad : List.of("0", "-2", "fast", "Infinity")) {
            assertThrows(IllegalArgumentException.class, () -> Speed.parse(bad), bad);
        }
    }
}
