package dev.perch.kubernetes;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What Perch tells an app's owner on the InferenceApp itself: its status (through the status
 * subresource, stamped with the generation it was written for) and Kubernetes Events, so that
 * {@code kubectl describe infapp} tells the story. Times come from the injected clock, so that
 * tests and the simulated clock see the times they set.
 *
 * <p>Two kinds of write: {@link #update}, the state the controller reads back (where an app is
 * served, a move's phase), written at once; and {@link #report} and {@link #event}, what the owner
 * reads, which with a rate ({@code statusWritesPerSec > 0}) wait their turn, coalesced, and are
 * written at that rate ({@link PacedWrites}); with 0 they are written at once too. A state write
 * takes the app's waiting report changes with it, applied first, so a late report never undoes it.
 */
final class AppStatusWriter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AppStatusWriter.class);

    private final KubernetesClient client;
    private final String namespace;
    private final Clock clock;
    /** Null when reports are written at once. */
    private final PacedWrites paced;

    /** Reports written at once, in the caller's thread. */
    AppStatusWriter(KubernetesClient client, String namespace, Clock clock) {
        this(client, namespace, clock, 0);
    }

    /** Reports paced at {@code statusWritesPerSec} (bursts of twice that), or written at once with 0. */
    AppStatusWriter(KubernetesClient client, String namespace, Clock clock, double statusWritesPerSec) {
        if (!(statusWritesPerSec >= 0) || !Double.isFinite(statusWritesPerSec)) {
            throw new IllegalArgumentException("status writes per second must be a number >= 0 (0: no limit), got "
                    + statusWritesPerSec);
        }
        this.client = client;
        this.namespace = namespace;
        this.clock = clock;
        this.paced = statusWritesPerSec == 0 ? null : new PacedWrites(
                new TokenBucket(statusWritesPerSec, Math.max(1, 2 * statusWritesPerSec), System::nanoTime),
                this::write, "perch-status-writes");
    }

    /**
     * Changes the status of {@code app} as {@code change} says, now, on the status as it is now on the
     * server: for the state the controller reads back. Report changes still waiting for the app go
     * in the same write, before {@code change}.
     */
    void update(String app, Consumer<InferenceAppStatus> change) {
        Optional<PendingReports.StatusReport> waiting = paced == null ? Optional.empty() : paced.takeStatus(app);
        write(app, status -> {
            waiting.ifPresent(w -> w.applyTo(status));
            change.accept(status);
        });
    }

    /**
     * A change of {@code kind} (a condition type) to what the owner reads, at the pace set; while it
     * waits, a later change of the same kind replaces it.
     */
    void report(String app, String kind, Consumer<InferenceAppStatus> change) {
        if (paced == null) {
            write(app, change);
        } else {
            paced.status(app, kind, change);
        }
    }

    /** How many report writes are waiting (0 when they are not paced). */
    int waiting() {
        return paced == null ? 0 : paced.waiting();
    }

    private void write(PendingReports.Report report) {
        if (report instanceof PendingReports.StatusReport status) {
            write(status.app(), status::applyTo);
        } else {
            PendingReports.EventReport event = (PendingReports.EventReport) report;
            writeEvent(event.target(), event.reason(), event.message(), event.count());
        }
    }

    private void write(String app, Consumer<InferenceAppStatus> change) {
        client.resources(InferenceApp.class).inNamespace(namespace).withName(app).editStatus(current -> {
            if (current.getStatus() == null) {
                current.setStatus(new InferenceAppStatus());
            }
            change.accept(current.getStatus());
            current.getStatus().setObservedGeneration(current.getMetadata().getGeneration());
            return current;
        });
    }

    /** Sets the condition of {@code type} on {@code status} ({@link Conditions#set}), now by the clock. */
    void condition(InferenceAppStatus status, String type, String value, String reason, String message) {
        status.setConditions(Conditions.set(status.getConditions(), type, value, reason, message,
                Instant.ofEpochMilli(clock.millis())));
    }

    /**
     * A Normal Event on the InferenceApp, at the pace set (while it waits, a later one of the same
     * reason on the app takes its place, counted); one that cannot be written is not worth failing a
     * step for.
     */
    void event(InferenceApp app, String reason, String message) {
        if (paced == null) {
            writeEvent(app, reason, message, 1);
        } else {
            paced.event(app, reason, message);
        }
    }

    private void writeEvent(InferenceApp app, String reason, String message, int count) {
        String name = app.getMetadata().getName() + "." + Long.toHexString(clock.millis()) + "." + Integer.toHexString(
                (reason + message).hashCode());
        try {
            client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                    .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                    .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(app.getApiVersion()).withKind(InferenceApp.KIND)
                            .withName(app.getMetadata().getName()).withNamespace(namespace).withUid(app.getMetadata().getUid()).build())
                    .withReason(reason).withMessage(message.length() > 1000 ? message.substring(0, 999) + "…" : message)
                    .withType("Normal").withCount(count)
                    .withFirstTimestamp(Instant.ofEpochMilli(clock.millis()).toString())
                    .withNewSource().withComponent("perch").endSource().build()).create();
        } catch (KubernetesClientException e) {
            LOG.debugf("event %s on %s not written: %s", reason, app.getMetadata().getName(), e.getMessage());
        }
    }

    @Override
    public void close() {
        if (paced != null) {
            paced.close();
        }
    }
}
