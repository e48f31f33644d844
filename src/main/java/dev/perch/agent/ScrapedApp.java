package dev.perch.agent;

/**
 * An app whose telemetry comes from a scraped server: the name the server gives its model
 * ({@code serverModel}, the value of the preset's model label) and what Perch calls the app.
 */
public record ScrapedApp(String serverModel, AppBinding binding) {
}
