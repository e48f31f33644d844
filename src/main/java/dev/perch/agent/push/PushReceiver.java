package dev.perch.agent.push;

import dev.perch.agent.Agent;
import dev.perch.agent.AgentConfig;
import dev.perch.agent.AgentMetrics;
import dev.perch.agent.PushSettings;

import java.util.function.LongSupplier;

/**
 * Joins the push receiver to an {@link Agent} whose config has push apps: a {@link PushWindower}
 * and a {@link PushHandler} made from the config's {@code push:} section, the handler served at
 * {@link PushHandler#PATH} on the agent's port, the windower's due windows published through the
 * agent's sink (Kafka, or stdout with {@code --print}) at every grid point, and both counters on
 * the agent's {@code /metrics}.
 */
public final class PushReceiver {
    private PushReceiver() {
    }

    /**
     * Call between {@link Agent#create} and {@link Agent#start()}.
     *
     * @param clockMs the clock the agent was created with, so that the windower's windows and the
     *                agent's grid agree
     * @return the handler, or {@code null} when the config has no push apps and follows none
     *         (nothing is mounted)
     */
    public static PushHandler attach(Agent agent, LongSupplier clockMs) {
        AgentConfig config = agent.config();
        PushSettings push = config.push();
        if (push.apps().isEmpty() && !config.followApps()) {
            return null;
        }
        PushWindower windower = new PushWindower(config.node(), push.apps(), push.graceMs(),
                PushWindower.DEFAULT_MAX_OPEN_REQUESTS_PER_APP, clockMs);
        PushHandler handler = new PushHandler(windower, push.maxBodyBytes(), push.token());
        agent.mount(PushHandler.PATH, handler);
        agent.addWindowSource(windower::due);
        agent.onPushApps(windower::rebind);
        agent.metrics().include(() -> exposition(handler));
        return handler;
    }

    /** The receiver's families in the text format, named as the agent's own ({@link AgentMetrics}). */
    static String exposition(PushHandler handler) {
        PushWindower windower = handler.windower();
        StringBuilder page = new StringBuilder();
        AgentMetrics.unlabelled(page, "perch_agent_push_records_accepted_total", "counter",
                "Pushed records kept for a window", handler.acceptedRecords());
        AgentMetrics.unlabelled(page, "perch_agent_push_records_rejected_total", "counter",
                "Pushed records refused with a reason in a 400 (the others of the body kept)", handler.rejectedRecords());
        AgentMetrics.unlabelled(page, "perch_agent_push_bodies_refused_total", "counter",
                "Push bodies refused whole, nothing kept (401, 404, 405, 413)", handler.refusedBodies());
        AgentMetrics.unlabelled(page, "perch_agent_push_requests_dropped_total", "counter",
                "Pushed records refused because their app held the most unpublished requests it may (also counted as rejected)",
                windower.droppedOverCapacity());
        AgentMetrics.unlabelled(page, "perch_agent_push_idle_seconds_skipped_total", "counter",
                "Idle seconds left unpublished after a stall of more than ten minutes", windower.skippedIdleSeconds());
        AgentMetrics.unlabelled(page, "perch_agent_push_open_requests", "gauge",
                "Pushed requests held in windows not yet published", windower.openRequests());
        return page.toString();
    }
}
