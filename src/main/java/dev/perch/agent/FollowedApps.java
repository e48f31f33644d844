package dev.perch.agent;

import dev.perch.agent.scrape.Preset;
import dev.perch.agent.scrape.Presets;
import dev.perch.telemetry.AppRecord;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the agent carries for the apps Perch has placed on its node ({@code followApps: true}): the
 * targets to scrape and the apps that push, derived from the controller's app records
 * ({@code perch.apps.v1}) and the node's accelerators ({@code perch.inventory.v1}), and, for the
 * log, each app of the node it cannot carry yet with why. Pure: {@link AppsFollower} reads the
 * records, this decides.
 *
 * <p>An app is carried here when its record names this node and an accelerator, and says how its
 * telemetry reaches the agent. A scraped app's pod must have an IP (during a move the record names
 * the target, whose pod has none until it is created, so the agent waits for it rather than scrape
 * the source's pod from the wrong node); apps on one endpoint share a target. The apps of the config
 * file come first: an app the file binds is never carried twice ({@link #over}).
 */
public record FollowedApps(List<ScrapeTarget> targets, List<AppBinding> push, Map<String, String> waiting) {
    public FollowedApps {
        targets = List.copyOf(targets);
        push = List.copyOf(push);
        waiting = Map.copyOf(waiting);
    }

    public static final FollowedApps NONE = new FollowedApps(List.of(), List.of(), Map.of());

    /**
     * @param node              this agent's node
     * @param acceleratorTypes  the node's accelerators and their types, by id
     * @param records           the latest record of every app
     * @param scrapeTimeoutMs   each target's scrape timeout
     */
    public static FollowedApps on(String node, Map<String, String> acceleratorTypes, Collection<AppRecord> records,
                                  long scrapeTimeoutMs) {
        Map<URI, List<ScrapedApp>> byEndpoint = new LinkedHashMap<>();
        Map<URI, Preset> presets = new LinkedHashMap<>();
        List<AppBinding> push = new ArrayList<>();
        Map<String, String> waiting = new LinkedHashMap<>();
        List<AppRecord> sorted = records.stream().filter(r -> node.equals(r.node()) && r.accelerator() != null
                && r.telemetry() != null).sorted(Comparator.comparing(AppRecord::app)).toList();
        for (AppRecord record : sorted) {
            String type = acceleratorTypes.get(record.accelerator());
            if (type == null) {
                waiting.put(record.app(), "accelerator " + record.accelerator() + " is not in the node's inventory yet");
                continue;
            }
            AppBinding binding = new AppBinding(record.app(), record.model(), record.accelerator(), type);
            if (record.telemetry().push() != null) {
                push.add(binding);
                continue;
            }
            AppRecord.Scrape scrape = record.telemetry().scrape();
            if (scrape == null) {
                waiting.put(record.app(), "its record states neither scrape nor push");
                continue;
            }
            Preset preset = Presets.builtIn(scrape.preset()).orElse(null);
            if (preset == null) {
                waiting.put(record.app(), "unknown preset '" + scrape.preset() + "'");
                continue;
            }
            if (scrape.url() == null) {
                waiting.put(record.app(), "its pod on " + record.accelerator() + " has no IP yet");
                continue;
            }
            URI url;
            try {
                url = new URI(scrape.url());
            } catch (URISyntaxException e) {
                waiting.put(record.app(), "not a URL: " + scrape.url());
                continue;
            }
            Preset first = presets.putIfAbsent(url, preset);
            List<ScrapedApp> apps = byEndpoint.computeIfAbsent(url, u -> new ArrayList<>());
            if (first != null && !first.equals(preset)) {
                waiting.put(record.app(), url + " is read with preset " + first.name() + " for another app");
            } else if (apps.stream().anyMatch(a -> a.serverModel().equals(scrape.serverModel()))) {
                waiting.put(record.app(), "another app reads server model '" + scrape.serverModel() + "' at " + url
                        + ": their counters cannot be told apart");
            } else {
                apps.add(new ScrapedApp(scrape.serverModel(), binding));
            }
        }
        List<ScrapeTarget> targets = new ArrayList<>();
        byEndpoint.forEach((url, apps) -> {
            if (!apps.isEmpty()) {
                targets.add(new ScrapeTarget(url, presets.get(url), scrapeTimeoutMs, apps));
            }
        });
        return new FollowedApps(targets, push, waiting);
    }

    /**
     * The config's targets and push apps with these added, leaving out every followed app the config
     * already binds.
     */
    public FollowedApps over(AgentConfig config) {
        Set<String> fixed = new HashSet<>();
        config.apps().forEach(a -> fixed.add(a.app()));
        List<ScrapeTarget> allTargets = new ArrayList<>(config.targets());
        for (ScrapeTarget target : targets) {
            List<ScrapedApp> apps = target.apps().stream().filter(a -> !fixed.contains(a.binding().app())).toList();
            if (!apps.isEmpty()) {
                allTargets.add(new ScrapeTarget(target.url(), target.preset(), target.timeoutMs(), apps));
            }
        }
        List<AppBinding> allPush = new ArrayList<>(config.push().apps());
        push.stream().filter(a -> !fixed.contains(a.app())).forEach(allPush::add);
        return new FollowedApps(allTargets, allPush, waiting);
    }

    /** How many apps are carried: scraped and pushed. */
    public int carried() {
        return targets.stream().mapToInt(t -> t.apps().size()).sum() + push.size();
    }
}
