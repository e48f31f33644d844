package dev.perch.agent;

import dev.perch.agent.scrape.Preset;

import java.net.URI;
import java.util.List;

/**
 * One metrics endpoint the agent scrapes every interval, how to read it, and the apps it serves.
 *
 * @param timeoutMs how long a scrape may take before it counts as failed; less than the interval,
 *                  so one slow server never holds up the next round
 */
public record ScrapeTarget(URI url, Preset preset, long timeoutMs, List<ScrapedApp> apps) {
    public ScrapeTarget {
        apps = List.copyOf(apps);
    }
}
