package dev.perch.streams;

import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.DeadLetterRecord;
import dev.perch.telemetry.InventoryRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.TelemetryReport;
import dev.perch.telemetry.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The topology's {@code accelerator-assessor}: per admitted report, learns from it ({@link
 * Assessment#fold}); once per telemetry window of an accelerator, when {@link WindowTrigger} says the
 * window is in, predicts it and decides its apps' bias and alerts ({@link Assessment#close}),
 * forwards the prediction (keyed by accelerator) and the alerts (keyed by app), and stores the
 * accelerator's state. A wall-clock timer closes a window whose reports stopped coming (an app that
 * left without a move the apps table knows of) when {@link IdleClose} says so: after a silence on a
 * live cluster, once the input is in on a replay.
 *
 * <p>Why two stores: an accelerator's state is tens of kilobytes, and writing it on every report
 * (or every window) made the changelog, not the models, the cost of a report (profiled). So the
 * state is written once per {@value #CHECKPOINT_EVERY_MS} ms of window time (by default, at a phase
 * of its own: {@link #checkpointDue}): in between, {@value #PENDING_STORE} keeps each report folded
 * as it came ({@link LoggedReports}) and a mark where each window was predicted, a window's entries
 * under one key, the accelerator and a sequence number ({@link LogSegment}); a checkpoint writes the
 * state and deletes them. State and log are committed together (exactly-once), so after a restart or
 * a task's re-initialisation the state read back with its log replayed in order — reports folded,
 * windows closed where marked, nothing forwarded again — is what the processor held (but for an
 * apps-table change in between, which the replayed windows' decisions then see). The decoded states
 * are the processor's own, per task, cleared in {@link #init}.
 *
 * <p>Accelerators whose latest report ended more than {@code forgetAfterMs} before the newest one of
 * the task (window time, checked every minute of stream time) are forgotten.
 */
final class Assessor implements Processor<String, Object, String, Object> {
    static final String STATE_STORE = "accelerator-state-store";
    static final String PENDING_STORE = "accelerator-pending-store";
    /** How often windows whose reports stopped coming are looked for ({@link IdleClose}). */
    private static final Duration TICK = Duration.ofMillis(250);
    /** How much longer than a live silence a window restored open waits for the rest of its reports. */
    static final Duration RESTORED_GRACE = Duration.ofSeconds(10);
    /** Between accelerator and sequence number in pending keys: a character no id contains. */
    private static final String SEPARATOR = "\u0000";
    /**
     * Window time between checkpoints of an accelerator's state, by default: the log has then grown to
     * about the state's own size whatever the accelerator's apps (both grow with them), which keeps
     * the changelog's bytes within twice what either alone would cost (decisions 0016 and 0018).
     */
    static final long CHECKPOINT_EVERY_MS = 22_000;
    /** No checkpoint slot yet (the accelerator has closed no window since it was read). */
    private static final long NO_SLOT = Long.MIN_VALUE;
    /** The log's mark of a window predicted (a logged report is longer, and starts with 1 or '{'). */
    private static final byte[] CLOSED = {0};
    /** Digits of a log entry's sequence number in its key (a long's 19). */
    private static final int SEQUENCE_DIGITS = 19;

    private final Assessment assessment;
    private final IdleClose idleClose;
    private final long forgetAfterMs;
    private final CheckpointPhases phases;
    private final Map<String, Live> live = new HashMap<>();
    /** Accelerators with pending reports not yet read back since {@link #init}. */
    private final Set<String> unread = new HashSet<>();
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, AcceleratorState> states;
    private KeyValueStore<String, byte[]> pending;
    private final TableChanges appsChanges;
    private CachedTable<AppRecord> appsTable;
    private ReadOnlyKeyValueStore<String, InventoryRecord> inventory;
    private long newestEndMs = Long.MIN_VALUE;

    /** One accelerator as the processor holds it: its state, its open window and the keys of its pending reports. */
    private static final class Live {
        private AcceleratorState state;
        private OpenWindow open;
        private long lastReportWallMs;
        private long lastTimestamp;
        /** The next log key's sequence number. */
        private long sequence;
        /** The keys of the log written since the state was. */
        private final List<String> segmentKeys = new ArrayList<>();
        /** Where in each checkpoint period its state is written, and the period of the window it closed last. */
        private long phaseMs;
        private long checkpointSlot = NO_SLOT;
        /** The log's open segment, under the last of {@link #segmentKeys} (null: the next entry starts one). */
        private LogSegment segment;
    }

    /**
     * @param phases      the checkpoint period and its phases, shared by the instance's tasks
     * @param appsChanges the apps table's writes, as its {@link GlobalTableUpdater} tells them
     */
    Assessor(TopologySettings settings, CheckpointPhases phases, TableChanges appsChanges) {
        this.appsChanges = appsChanges;
        this.assessment = new Assessment(settings);
        this.idleClose = settings.idleClose();
        this.forgetAfterMs = settings.dedupRetentionMs();
        this.phases = phases;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.states = context.getStateStore(STATE_STORE);
        this.pending = context.getStateStore(PENDING_STORE);
        this.appsTable = new CachedTable<>(context.getStateStore(PerchTopology.APPS_STORE), appsChanges);
        this.inventory = context.getStateStore(PerchTopology.INVENTORY_STORE);
        live.clear();
        unread.clear();
        newestEndMs = Long.MIN_VALUE;
        try (KeyValueIterator<String, byte[]> reports = pending.all()) {
            reports.forEachRemaining(entry -> unread.add(entry.key.substring(0, entry.key.indexOf(SEPARATOR))));
        }
        context.schedule(TICK, PunctuationType.WALL_CLOCK_TIME, this::closeIdle);
        context.schedule(Duration.ofMinutes(1), PunctuationType.STREAM_TIME, now -> forgetGone());
    }

    /**
     * A report that passed validation but cannot be assessed (a bug, or inputs no model accepts)
     * becomes a dead letter with the reason, and the stream thread goes on: one report never stops
     * the topology.
     */
    @Override
    public void process(Record<String, Object> record) {
        Admitted admitted = (Admitted) record.value();
        TelemetryReport report = admitted.report();
        Live accelerator;
        try {
            accelerator = read(report.accelerator(), record.timestamp());
            if (WindowTrigger.closesOpen(accelerator.open, report)) {
                close(accelerator, true);
            }
            fold(accelerator, report, record.timestamp());
        } catch (RuntimeException e) {
            deadLetter(record.key(), "assessment failed: " + e, admitted.raw(), record.timestamp());
            return;
        }
        log(accelerator, LoggedReports.write(report));
        if (WindowTrigger.complete(accelerator.state, accelerator.open, appsTable::get)) {
            close(accelerator, true);
        }
    }

    private void fold(Live accelerator, TelemetryReport report, long timestamp) {
        accelerator.state = assessment.fold(accelerator.state, report, appsTable::get);
        accelerator.open = WindowTrigger.after(accelerator.state, accelerator.open, report);
        accelerator.lastReportWallMs = context.currentSystemTimeMs();
        accelerator.lastTimestamp = Math.max(accelerator.lastTimestamp, timestamp);
        newestEndMs = Math.max(newestEndMs, report.windowEndMs());
    }

    /**
     * Predicts the open window and decides its apps' bias and alerts; forwards them unless the
     * window is being replayed from the log (they were forwarded and committed the first time).
     */
    private void close(Live accelerator, boolean live) {
        OpenWindow window = accelerator.open;
        AcceleratorState state = accelerator.state;
        try {
            Assessment.Outcome outcome = assessment.close(state, window, appsTable::get, inventory.get(state.node()));
            if (live) {
                context.forward(new Record<>(state.accelerator(), (Object) outcome.prediction(), accelerator.lastTimestamp),
                        PerchTopology.PREDICTIONS_SINK);
                for (var alert : outcome.alerts()) {
                    context.forward(new Record<>(alert.app(), (Object) alert, accelerator.lastTimestamp),
                            PerchTopology.ALERTS_SINK);
                }
            }
            state = outcome.state();
        } catch (RuntimeException e) {
            state = state.withClosed(window.startMs());
            if (live) {
                deadLetter(state.accelerator(), "assessment failed: the window from " + window.startMs() + " of "
                        + window.reported() + " could not be predicted: " + e, Json.writeBytes(window),
                        accelerator.lastTimestamp);
            }
        }
        accelerator.state = state;
        accelerator.open = null;
        if (live) {
            log(accelerator, CLOSED);
        }
    }

    /**
     * Appends to the accelerator's log, and writes its state in place of the log when a checkpoint is
     * due. The entries up to a window's mark share a key ({@link LogSegment}).
     */
    private void log(Live accelerator, byte[] entry) {
        String acceleratorId = accelerator.state.accelerator();
        if (accelerator.open == null && checkpointDue(accelerator)) {
            states.put(acceleratorId, accelerator.state);
            forgetLog(accelerator);
            return;
        }
        if (accelerator.segment == null) {
            accelerator.segment = new LogSegment();
            accelerator.segmentKeys.add(pendingKey(acceleratorId, accelerator.sequence++));
        }
        accelerator.segment.add(entry);
        pending.put(accelerator.segmentKeys.get(accelerator.segmentKeys.size() - 1), accelerator.segment.toBytes());
        if (entry == CLOSED) {
            accelerator.segment = null;
        }
    }

    private void forgetLog(Live accelerator) {
        accelerator.segmentKeys.forEach(pending::delete);
        accelerator.segmentKeys.clear();
        accelerator.segment = null;
    }

    /**
     * Whether the window just closed starts a checkpoint period of the accelerator's other than the
     * one of the window it closed before (window time, so that a slow run writes where a fast one
     * would). Each accelerator's periods are offset by its phase, and the phases of the instance's
     * accelerators spread evenly over the period, so that the state writes, and the log they empty,
     * keep an even pace: accelerators whose apps report in step would otherwise write together — a
     * burst every period, and a log whose size saws up and down as one (it did with thresholds drawn
     * per accelerator from its id's hash: by a fifth either way, summed over a hundred accelerators).
     * Phases follow the order the instance reads its accelerators ({@link CheckpointPhases}), so a
     * restart draws them again; should restarts come faster than the periods, the log is written over
     * once it holds two periods of one-second windows, the shortest producers send.
     */
    private boolean checkpointDue(Live accelerator) {
        if (phases.periodMs() <= 0) {
            return true;
        }
        long last = accelerator.checkpointSlot;
        accelerator.checkpointSlot = slotOf(accelerator);
        return last != NO_SLOT && accelerator.checkpointSlot != last
                || accelerator.segmentKeys.size() >= 2 * phases.periodMs() / 1000;
    }

    /** The checkpoint period, at the accelerator's phase, of the last window it closed. */
    private long slotOf(Live accelerator) {
        return phases.periodOf(accelerator.state.closedStartMs(), accelerator.phaseMs);
    }

    /** The accelerator and its log's sequence number, zero-padded so that keys sort in log order. */
    private static String pendingKey(String acceleratorId, long sequence) {
        String digits = Long.toString(sequence);
        return acceleratorId + SEPARATOR + "0".repeat(SEQUENCE_DIGITS - digits.length()) + digits;
    }

    /** The accelerator as held, read back from the stores on first use since {@link #init}. */
    private Live read(String acceleratorId, long timestamp) {
        Live accelerator = live.get(acceleratorId);
        if (accelerator != null) {
            return accelerator;
        }
        accelerator = new Live();
        accelerator.phaseMs = phases.nextMs();
        accelerator.state = states.get(acceleratorId);
        accelerator.lastTimestamp = timestamp;
        live.put(acceleratorId, accelerator);
        if (unread.remove(acceleratorId)) {
            List<KeyValue<String, byte[]>> entries = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> it = pending.prefixScan(acceleratorId + SEPARATOR,
                    Serdes.String().serializer())) {
                it.forEachRemaining(entries::add);
            }
            for (KeyValue<String, byte[]> segment : entries) {
                accelerator.segmentKeys.add(segment.key);
                accelerator.sequence = Long.parseLong(segment.key.substring(segment.key.indexOf(SEPARATOR) + 1)) + 1;
                List<byte[]> logged;
                try {
                    logged = LogSegment.entries(segment.value);
                } catch (RuntimeException e) {
                    deadLetter(segment.key, "assessment failed on replaying the log: " + e, segment.value, timestamp);
                    continue;
                }
                for (byte[] entry : logged) {
                    replay(accelerator, segment.key, entry, timestamp);
                }
            }
            // A window the log leaves open has the rest of its reports after the last commit, which this
            // task reads next; the idle timer would close it short if the first poll after a restart
            // is slow, and a closed window's bias and alerts would differ from a run never stopped.
            accelerator.lastReportWallMs = context.currentSystemTimeMs() + RESTORED_GRACE.toMillis();
        }
        if (phases.periodMs() > 0 && accelerator.state != null
                && accelerator.state.closedStartMs() != AcceleratorState.NONE_CLOSED) {
            // Its period goes on from the last window it closed, read back: a restart makes no state write due.
            accelerator.checkpointSlot = slotOf(accelerator);
        }
        return accelerator;
    }

    /** What the processor holds of an accelerator (read back from the stores if need be); for tests. */
    AcceleratorState held(String acceleratorId) {
        return read(acceleratorId, context.currentStreamTimeMs()).state;
    }

    /** One log entry again: a report folded, or the window closed where it was the first time. */
    private void replay(Live accelerator, String key, byte[] entry, long timestamp) {
        if (Arrays.equals(entry, CLOSED)) {
            if (accelerator.open != null) {
                close(accelerator, false);
            }
            return;
        }
        try {
            fold(accelerator, LoggedReports.read(entry), timestamp);
        } catch (RuntimeException e) {
            // It was folded once without failing; if it fails now it is let go, not retried forever.
            deadLetter(key, "assessment failed on replaying a report: " + e, entry, timestamp);
        }
    }

    /** Predicts the windows whose reports stopped coming. */
    private void closeIdle(long nowMs) {
        for (String acceleratorId : new ArrayList<>(unread)) {
            read(acceleratorId, context.currentStreamTimeMs());
        }
        for (Live accelerator : live.values()) {
            if (accelerator.open != null && idleClose.due(nowMs - accelerator.lastReportWallMs)) {
                close(accelerator, true);
            }
        }
    }

    /** Forgets accelerators gone for longer than the horizon, in window time. */
    private void forgetGone() {
        if (newestEndMs == Long.MIN_VALUE) {
            return;
        }
        long horizonMs = newestEndMs - forgetAfterMs;
        Set<String> gone = new HashSet<>();
        try (KeyValueIterator<String, AcceleratorState> all = states.all()) {
            all.forEachRemaining(entry -> {
                if (!live.containsKey(entry.key) && !unread.contains(entry.key) && latestEndMs(entry.value) < horizonMs) {
                    gone.add(entry.key);
                }
            });
        }
        live.forEach((id, held) -> {
            if (held.state != null && latestEndMs(held.state) < horizonMs) {
                gone.add(id);
            }
        });
        for (String acceleratorId : gone) {
            Live held = live.remove(acceleratorId);
            if (held != null) {
                forgetLog(held);
            }
            states.delete(acceleratorId);
        }
    }

    private static long latestEndMs(AcceleratorState state) {
        long latest = Long.MIN_VALUE;
        for (AcceleratorState.AppHistory app : state.apps().values()) {
            latest = Math.max(latest, AcceleratorState.latestEndMs(app));
        }
        return latest;
    }

    private void deadLetter(String key, String reason, byte[] payload, long timestamp) {
        var source = context.recordMetadata().orElse(null);
        DeadLetterRecord letter = DeadLetterRecord.of(reason,
                source == null ? Topics.TELEMETRY : source.topic(), source == null ? -1 : source.partition(),
                source == null ? -1 : source.offset(), context.currentSystemTimeMs(), payload);
        context.forward(new Record<>(key, (Object) letter, timestamp), PerchTopology.DLQ_SINK);
    }
}
