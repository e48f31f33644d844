package dev.perch.runtime;

import dev.perch.agent.Agent;
import dev.perch.agent.AgentConfig;
import dev.perch.agent.AgentMetrics;
import dev.perch.agent.KafkaSink;
import dev.perch.agent.PushSettings;
import dev.perch.agent.push.PushHandler;
import dev.perch.model.profile.NodeSpec;
import dev.perch.sim.SimulatedCluster;
import dev.perch.sim.SimulatedPushers;
import dev.perch.sim.SimulatedTriton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * The demo's telemetry on the path a real edge cluster's takes ({@code demo --telemetry agent}): the
 * simulated GPU and CPU apps serve their counters in Triton's format on a local port, the Edge TPU
 * apps push their requests, and one Perch node agent per simulated node — the same agent as
 * {@code perch agent}, following Perch's placements as its DaemonSet does — scrapes and windows them
 * and publishes the telemetry; the simulator publishes none. Everything runs on the simulated clock
 * read in real time, which is why this path runs at {@code --speed 1} only.
 */
final class DemoAgents implements AutoCloseable {
    /** Like the agent command's: a few ms of batching. */
    private static final int LINGER_MS = 5;

    private final SimulatedTriton triton;
    private final Map<String, Agent> agents;
    private final SimulatedPushers pushers;

    private DemoAgents(SimulatedTriton triton, Map<String, Agent> agents, SimulatedPushers pushers) {
        this.triton = triton;
        this.agents = agents;
        this.pushers = pushers;
    }

    /**
     * Starts the simulated servers and the agents, and has the simulated cluster say so in what it
     * reports of its apps (so the controller's app records tell each agent what to carry). Call before
     * the controller's first pass.
     *
     * @param clockMs the simulated time in epoch ms, read in real time
     */
    static DemoAgents start(SimulatedCluster cluster, String bootstrapServers, KafkaClientSecurity security, LongSupplier clockMs) {
        List<NodeSpec> nodes = cluster.scenario().nodes();
        SimulatedTriton triton;
        try {
            triton = new SimulatedTriton(cluster, clockMs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the simulated Triton pages: " + e.getMessage(), e);
        }
        cluster.reportThroughAgents(triton.port());
        Map<String, Agent> agents = new LinkedHashMap<>();
        for (NodeSpec node : nodes) {
            AgentConfig config = new AgentConfig(node.node(), AgentConfig.DEFAULT_INTERVAL_SEC, List.of(),
                    new PushSettings(0, PushSettings.DEFAULT_BIND_ADDRESS, PushSettings.DEFAULT_MAX_BODY_BYTES, null,
                            PushSettings.DEFAULT_GRACE_MS, List.of()), true);
            AgentMetrics metrics = new AgentMetrics();
            KafkaSink sink = new KafkaSink(Pipeline.telemetryProducer(bootstrapServers, security, "perch-agent-" + node.node(),
                    LINGER_MS, Map.of()),
                    metrics, KafkaSink.DEFAULT_BUFFER_WINDOWS);
            agents.put(node.node(), AgentLaunch.start(config, sink, metrics, clockMs, bootstrapServers, security.over(Map.of())));
        }
        SimulatedPushers pushers = new SimulatedPushers(cluster, node -> Optional.ofNullable(agents.get(node))
                .map(a -> URI.create("http://" + a.address().getHostString() + ":" + a.address().getPort() + PushHandler.PATH)),
                clockMs);
        pushers.start();
        return new DemoAgents(triton, agents, pushers);
    }

    /** Telemetry windows the agents have published. */
    long publishedWindows() {
        return agents.values().stream().mapToLong(a -> a.metrics().publishedWindows()).sum();
    }

    /** Stops the pushes first, then the agents (each delivers what it holds), then the pages. */
    @Override
    public void close() {
        pushers.close();
        agents.values().forEach(Agent::close);
        triton.close();
    }
}
