package dev.perch.agent;

import java.util.ArrayList;
import java.util.List;

/**
 * The agent's config ({@code agent --config FILE}, read by {@link AgentConfigReader}): the node it
 * runs on, how often it closes a window, the metrics endpoints it scrapes and the apps behind them,
 * its HTTP port with the apps that push, and whether it also carries the apps Perch places on its
 * node ({@code followApps}: learned from Kafka, re-targeted at every move, see {@link FollowedApps}).
 */
public record AgentConfig(String node, int intervalSec, List<ScrapeTarget> targets, PushSettings push, boolean followApps) {
    public static final int DEFAULT_INTERVAL_SEC = 1;
    /** Longer windows than a minute would blur what the topology learns per second. */
    public static final int MAX_INTERVAL_SEC = 60;

    public AgentConfig {
        targets = List.copyOf(targets);
    }

    /** A config of fixed apps only. */
    public AgentConfig(String node, int intervalSec, List<ScrapeTarget> targets, PushSettings push) {
        this(node, intervalSec, targets, push, false);
    }

    public long intervalMs() {
        return intervalSec * 1000L;
    }

    /** Every app the agent reports for, scraped ones first. */
    public List<AppBinding> apps() {
        List<AppBinding> apps = new ArrayList<>();
        targets.forEach(t -> t.apps().forEach(a -> apps.add(a.binding())));
        apps.addAll(push.apps());
        return apps;
    }
}
