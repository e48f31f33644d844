package dev.perch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Perch's own {@code application.properties} as the file says it, no profile applied: the one reader
 * for tests and benches that run or check something by the settings Perch ships.
 */
public final class ApplicationProperties {
    private ApplicationProperties() {
    }

    public static Properties load() {
        Properties properties = new Properties();
        try (InputStream in = ApplicationProperties.class.getResourceAsStream("/application.properties")) {
            if (in == null) {
                throw new IllegalStateException("application.properties is not on the class path");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read application.properties: " + e.getMessage(), e);
        }
        return properties;
    }
}
