package dev.perch.runtime;

import dev.perch.agent.Agent;
import dev.perch.agent.AgentConfig;
import dev.perch.agent.AgentMetrics;
import dev.perch.agent.AppsFollower;
import dev.perch.agent.WindowSink;
import dev.perch.agent.push.PushReceiver;

import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Starts one node agent with every part its config asks for — the scrape loop, the push receiver
 * when it has or may get push apps, and the follower of Perch's placements when it has
 * {@code followApps: true} — the same way for {@code perch agent} and for the demo's simulated nodes.
 */
public final class AgentLaunch {
    private AgentLaunch() {
    }

    /**
     * @param bootstrapServers Kafka, to follow Perch's placements; may be null when the config does
     *                         not follow them
     * @throws dev.perch.agent.AgentConfigException when the port cannot be bound
     * @throws IllegalArgumentException             when the config follows placements and no Kafka is given
     */
    public static Agent start(AgentConfig config, WindowSink sink, AgentMetrics metrics, LongSupplier clockMs,
                              String bootstrapServers, Map<String, Object> clientSettings) {
        if (config.followApps() && bootstrapServers == null) {
            throw new IllegalArgumentException("followApps reads Perch's placements from Kafka: set KAFKA_BOOTSTRAP_SERVERS");
        }
        Agent agent = Agent.create(config, sink, metrics, clockMs);
        PushReceiver.attach(agent, clockMs);
        agent.start();
        if (config.followApps()) {
            agent.closeFirst(AppsFollower.start(agent, bootstrapServers, clientSettings));
        }
        return agent;
    }
}
