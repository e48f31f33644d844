package dev.perch.agent;

/**
 * What the agent knows of one app it reports for: the Perch app id, the model as Perch's catalog
 * spells it, and the accelerator the app runs on. Every telemetry window the agent publishes for the
 * app carries these, whether it came from a scraped metrics endpoint or from pushed requests.
 */
public record AppBinding(String app, String model, String accelerator, String acceleratorType) {
}
