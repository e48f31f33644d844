package dev.perch.runtime;

import dev.perch.controller.AlertTally;
import dev.perch.controller.InboxProgress;
import dev.perch.controller.LiveRates;
import dev.perch.controller.Reconciler;
import dev.perch.controller.history.LiveHistory;
import dev.perch.telemetry.AlertRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.PredictionRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionStage;

/**
 * The controller's inbound side (SmallRye Reactive Messaging): SLO alerts go to the
 * {@link Reconciler}; predictions keep {@link LiveRates}, the live view's history ({@link LiveHistory}, with the alerts) and the operators' gauges ({@link SloMetrics}) current. A record that does not parse is
 * logged and skipped; it never stops the controller.
 * <p>
 * An adapter at the edge, so it lives with the process wiring: the controller's decision code
 * ({@code dev.perch.controller}) knows no messaging, metrics or CDI, and this class only turns
 * records into calls on it.
 */
@ApplicationScoped
public class ControllerInbox {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerInbox.class);
    private static final Logger EVENTS = LoggerFactory.getLogger("perch.events");

    @Inject
    Reconciler reconciler;
    @Inject
    LiveRates rates;
    @Inject
    InboxProgress progress;
    @Inject
    AlertTally tally;
    @Inject
    MeterRegistry metrics;
    @Inject
    SloMetrics sloMetrics;
    @Inject
    LiveHistory history;

    @Incoming("alerts")
    @Blocking(ordered = true)
    public CompletionStage<Void> onAlert(Message<String> message) {
        try {
            AlertRecord alert = Json.read(message.getPayload(), AlertRecord.class);
            if (reconciler.raisedBeforeStart(alert)) {
                // Read again at start-up to learn which alerts are still open: neither news nor a new count.
                LOG.debug("earlier alert {} {} on {} (window ended at {})", alert.kind(), alert.app(), alert.accelerator(),
                        alert.windowEndMs());
            } else {
                tally.received(alert);
                metrics.counter(SloMetrics.ALERTS, "kind", String.valueOf(alert.kind())).increment();
                EVENTS.info("ALERT {} {} on {} — {}", alert.kind(), alert.app(), alert.accelerator(), alert.reason());
            }
            // Kept even when read again at start-up: it still happened, and the history starts empty.
            history.alert(alert);
            reconciler.onAlert(alert);
        } catch (RuntimeException e) {
            LOG.warn("skipping an alert the controller cannot handle: {}", e.getMessage(), e);
        }
        markHandled(message);
        return message.ack();
    }

    /** Read as bytes: at 10,000 apps this is most of the inbox's work, and Jackson reads UTF-8 faster than a String made of it. */
    @Incoming("predictions")
    public CompletionStage<Void> onPrediction(Message<byte[]> message) {
        try {
            PredictionRecord prediction = Json.read(message.getPayload(), PredictionRecord.class);
            rates.update(prediction);
            history.record(prediction);
            reconciler.observe(prediction);
            sloMetrics.record(prediction);
        } catch (RuntimeException e) {
            LOG.warn("skipping an unreadable prediction: {}", e.getMessage());
        }
        markHandled(message);
        return message.ack();
    }

    private void markHandled(Message<?> message) {
        message.getMetadata(IncomingKafkaRecordMetadata.class)
                .ifPresent(m -> progress.handled(m.getTopic(), m.getPartition(), m.getOffset()));
    }
}
