package dev.perch.runtime;

import dev.perch.controller.ControllerOutputs;
import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.DecisionRecord;
import dev.perch.telemetry.InventoryRecord;
import dev.perch.telemetry.Json;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Sends the controller's records to their topics through Reactive Messaging, keyed as the contract
 * says; decisions are also kept for the live view ({@link dev.perch.controller.RecentDecisions}).
 */
@ApplicationScoped
public class KafkaOutputs implements ControllerOutputs {
    @Inject
    @Channel("decisions")
    Emitter<String> decisions;
    @Inject
    @Channel("apps")
    Emitter<String> apps;
    @Inject
    @Channel("inventory")
    Emitter<String> inventory;
    @Inject
    MeterRegistry metrics;
    @Inject
    dev.perch.controller.RecentDecisions recent;

    @Override
    public void decision(DecisionRecord decision) {
        metrics.counter(SloMetrics.DECISIONS, "action", decision.action(),
                "result", decision.result() == null ? "none" : decision.result()).increment();
        recent.add(decision);
        decisions.send(keyed(decision.app(), decision));
    }

    @Override
    public void app(AppRecord app) {
        apps.send(keyed(app.app(), app));
    }

    @Override
    public void inventory(InventoryRecord node) {
        inventory.send(keyed(node.node(), node));
    }

    private static Message<String> keyed(String key, Object record) {
        return Message.of(Json.write(record))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
    }
}
