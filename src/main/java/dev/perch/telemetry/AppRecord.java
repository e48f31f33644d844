package dev.perch.telemetry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One app's spec and placement ({@code perch.apps.v1}, compacted, keyed by app), written by the
 * controller; SLOs reach the Streams topology here. {@code accelerator} and {@code node} are absent
 * while the app is not placed; {@code learnedRatePerSec}, when present, is the rate learned before
 * the app's last move, so its new accelerator starts from it. {@code sloWindowSec} is the window the
 * SLO is judged over; records written before it existed have none and mean
 * {@link #DEFAULT_SLO_WINDOW_SEC}. {@code telemetry}, when present, tells the node agent on
 * {@code node} to carry the app's telemetry ({@link Telemetry}); absent, the app publishes its own.
 */
public record AppRecord(String schema, String app, String model, double expectedRatePerSec, double sloMs,
                        String sloStatistic, Integer sloWindowSec, String node, String accelerator, Double learnedRatePerSec,
                        long updatedAtMs, Telemetry telemetry) {
    public static final String SCHEMA = "perch.apps.v1";
    public static final int DEFAULT_SLO_WINDOW_SEC = 60;

    /** A record of an app that publishes its own telemetry (as every record did before {@code telemetry}). */
    public AppRecord(String schema, String app, String model, double expectedRatePerSec, double sloMs, String sloStatistic,
                     Integer sloWindowSec, String node, String accelerator, Double learnedRatePerSec, long updatedAtMs) {
        this(schema, app, model, expectedRatePerSec, sloMs, sloStatistic, sloWindowSec, node, accelerator, learnedRatePerSec,
                updatedAtMs, null);
    }

    /** The SLO window in seconds, {@link #DEFAULT_SLO_WINDOW_SEC} when the record has none. */
    public int sloWindowSecOrDefault() {
        return sloWindowSec == null ? DEFAULT_SLO_WINDOW_SEC : sloWindowSec;
    }

    /** How the node agent carries the app's telemetry: exactly one of {@code scrape} and {@code push}. */
    public record Telemetry(Scrape scrape, Push push) {
        public static Telemetry scraped(Scrape scrape) {
            return new Telemetry(scrape, null);
        }

        public static Telemetry pushed() {
            return new Telemetry(null, new Push());
        }
    }

    /**
     * The agent scrapes {@link #url()} and reads {@code serverModel}'s series by the {@code preset}'s
     * metric names. {@code podIp} is the IP of the pod serving the app on the record's accelerator;
     * absent until that pod has one (the agent then scrapes nothing yet).
     */
    public record Scrape(String preset, int port, String path, String serverModel, String podIp) {
        /** The endpoint, IPv6 addresses bracketed; null without a pod IP. */
        public String url() {
            if (podIp == null) {
                return null;
            }
            return "http://" + (podIp.contains(":") ? "[" + podIp + "]" : podIp) + ":" + port + path;
        }
    }

    /**
     * The app posts its requests to the agent on its node. Annotated so that Jackson writes it as
     * {@code {}} rather than refusing a record without components.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Push() {
    }
}
