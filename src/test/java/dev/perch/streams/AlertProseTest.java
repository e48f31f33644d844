package dev.perch.streams;

import dev.perch.model.profile.SloStatistic;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Alert text is part of what owners and tools read: its numbers are written the same on every host. */
class AlertProseTest {
    @Test
    void numbersUseAPointWhateverTheHostsLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertEquals("observed p95 123.5 ms over the 100 ms SLO",
                    AlertProse.violation(new Slo(100, SloStatistic.P95), 123.456));
        } finally {
            Locale.setDefault(before);
        }
    }
}
