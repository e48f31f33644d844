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
            assertEquals("observed p95 123.5 ms in the last 60 s, over the 100 ms SLO",
                    AlertProse.violation(new Slo(100, SloStatistic.P95, 60), 123.456));
            assertEquals("back within the 100 ms p95 SLO: observed and predicted at most 90.0 ms for 60 s",
                    AlertProse.resolved(new Slo(100, SloStatistic.P95, 60), 90));
        } finally {
            Locale.setDefault(before);
        }
    }
}
