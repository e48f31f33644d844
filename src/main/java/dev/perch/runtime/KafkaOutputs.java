package dev.perch.runtime;

import dev.perch.controller.ControllerOutputs;
import dev.perch.controller.RecentDecisions;
import dev.perch.controller.history.LiveHistory;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.DecisionRecord;
import dev.perch.telemetry.InventoryRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Sends the controller's records to their topics, keyed as the contract says, through a
 * {@link RecordSender} that waits for room rather than failing; decisions are also kept for the
 * live view ({@link RecentDecisions}, and as events of the apps they touch in {@link LiveHistory}).
 */
@ApplicationScoped
public class KafkaOutputs implements ControllerOutputs {
    private final RecordSender sender;
    private final MeterRegistry metrics;
    private final RecentDecisions recent;
    private final LiveHistory history;

    @Inject
    public KafkaOutputs(RecordSender sender, MeterRegistry metrics, RecentDecisions recent, LiveHistory history) {
        this.sender = sender;
        this.metrics = metrics;
        this.recent = recent;
        this.history = history;
    }

    @Override
    public void decision(DecisionRecord decision) {
        metrics.counter(SloMetrics.DECISIONS, "action", decision.action(),
                "result", decision.result() == null ? "none" : decision.result()).increment();
        recent.add(decision);
        history.decision(decision);
        sender.send(Topics.DECISIONS, decision.app(), Json.write(decision));
    }

    @Override
    public void app(AppRecord app) {
        sender.send(Topics.APPS, app.app(), Json.write(app));
    }

    @Override
    public void inventory(InventoryRecord node) {
        sender.send(Topics.INVENTORY, node.node(), Json.write(node));
    }
}
