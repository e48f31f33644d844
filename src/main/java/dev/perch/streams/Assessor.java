package dev.perch.streams;

import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.DeadLetterRecord;
import dev.perch.telemetry.InventoryRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The topology's {@code accelerator-assessor}: per admitted report, reads what the accelerator
 * remembers and the apps and inventory tables, has the report assessed ({@link Assessment}: learn,
 * predict, decide the alert), forwards the prediction (keyed by accelerator) and any alert (keyed by
 * app), and stores the accelerator's state. Wiring only; every decision is in the classes it calls.
 */
final class Assessor implements Processor<String, Object, String, Object> {
    static final String STATE_STORE = "accelerator-state-store";

    private final Assessment assessment;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, AcceleratorState> states;
    private ReadOnlyKeyValueStore<String, AppRecord> appsTable;
    private ReadOnlyKeyValueStore<String, InventoryRecord> inventory;

    Assessor(TopologySettings settings) {
        this.assessment = new Assessment(settings);
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.states = context.getStateStore(STATE_STORE);
        this.appsTable = context.getStateStore(PerchTopology.APPS_STORE);
        this.inventory = context.getStateStore(PerchTopology.INVENTORY_STORE);
    }

    /**
     * A report that passed validation but cannot be assessed (a bug, or inputs no model accepts)
     * becomes a dead letter with the reason, and the stream thread goes on: one report never stops
     * the topology.
     */
    @Override
    public void process(Record<String, Object> record) {
        TelemetryReport report = (TelemetryReport) record.value();
        try {
            Assessment.Outcome outcome = assessment.assess(states.get(report.accelerator()), report, appsTable::get,
                    inventory.get(report.node()));
            context.forward(new Record<>(report.accelerator(), (Object) outcome.prediction(), record.timestamp()),
                    PerchTopology.PREDICTIONS_SINK);
            if (outcome.alert() != null) {
                context.forward(new Record<>(report.app(), (Object) outcome.alert(), record.timestamp()),
                        PerchTopology.ALERTS_SINK);
            }
            states.put(report.accelerator(), outcome.state());
        } catch (RuntimeException e) {
            var source = context.recordMetadata().orElse(null);
            DeadLetterRecord letter = DeadLetterRecord.of("assessment failed: " + e,
                    source == null ? Topics.TELEMETRY : source.topic(), source == null ? -1 : source.partition(),
                    source == null ? -1 : source.offset(), context.currentSystemTimeMs(), Json.writeBytes(report));
            context.forward(new Record<>(record.key(), (Object) letter, record.timestamp()), PerchTopology.DLQ_SINK);
        }
    }
}
