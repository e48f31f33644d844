package dev.perch.agent;

import dev.perch.telemetry.AppRecord;
import dev.perch.telemetry.InventoryRecord;
import dev.perch.telemetry.Json;
import dev.perch.telemetry.Topics;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Keeps the agent carrying the apps Perch places on its node ({@code followApps: true}): reads the
 * controller's compacted topics {@code perch.apps.v1} (every app's placement and how its telemetry
 * reaches the agent) and {@code perch.inventory.v1} (the node's accelerators and their types) from
 * the beginning, and after every batch that changes what the node carries, hands the agent the new
 * set ({@link Agent#carry}) — so a move re-targets the telemetry without a restart.
 *
 * <p>It reads with no consumer group (every agent reads everything, as a compacted table) and only
 * committed records. Unreachable Kafka or topics not created yet: it keeps trying, says so once, and
 * the agent carries the config's apps meanwhile. A record it cannot read is skipped and said once.
 */
public final class AppsFollower implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AppsFollower.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final Agent agent;
    private final Consumer<String, byte[]> consumer;
    private final Map<String, AppRecord> apps = new HashMap<>();
    private final Map<String, String> acceleratorTypes = new HashMap<>();
    private final OnChange unreadable = new OnChange();
    private final OnChange unassigned = new OnChange();
    private final Thread thread;
    private FollowedApps last = FollowedApps.NONE;
    private volatile boolean closed;

    AppsFollower(Agent agent, Consumer<String, byte[]> consumer) {
        this.agent = agent;
        this.consumer = consumer;
        this.thread = new Thread(this::run, "perch-agent-follow");
        this.thread.setDaemon(true);
    }

    /** Starts following for {@code agent}, whose config has {@code followApps: true}. */
    public static AppsFollower start(Agent agent, String bootstrapServers, Map<String, Object> clientSettings) {
        Properties settings = new Properties();
        settings.putAll(clientSettings);
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "perch-agent-follow-" + agent.config().node());
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // The controller's producer is idempotent, not transactional, so today every record is committed;
        // read_committed keeps an aborted placement from being followed should a writer ever use transactions.
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) RETRY.toMillis() * 5);
        AppsFollower follower = new AppsFollower(agent,
                new KafkaConsumer<>(settings, new StringDeserializer(), new ByteArrayDeserializer()));
        follower.thread.start();
        return follower;
    }

    private void run() {
        try {
            while (!closed && !assign()) {
                sleep(RETRY);
            }
            while (!closed) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                if (!records.isEmpty()) {
                    records.forEach(this::apply);
                    carryIfChanged();
                }
            }
        } catch (WakeupException | InterruptException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.errorf(e, "following %s stopped: the agent keeps carrying the apps it has", Topics.APPS);
        } finally {
            consumer.close(Duration.ZERO);
        }
    }

    /** Assigns every partition of both topics from the beginning; false while a topic cannot be listed. */
    private boolean assign() {
        List<TopicPartition> partitions = new ArrayList<>();
        try {
            for (String topic : List.of(Topics.INVENTORY, Topics.APPS)) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic);
                if (infos == null || infos.isEmpty()) {
                    unable(topic + " does not exist yet");
                    return false;
                }
                infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
            }
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (RuntimeException e) {
            unable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return false;
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        if (unassigned.off()) {
            LOG.infof("following %s and %s again", Topics.APPS, Topics.INVENTORY);
        } else {
            LOG.infof("following %s and %s for the apps placed on %s", Topics.APPS, Topics.INVENTORY, agent.config().node());
        }
        return true;
    }

    private void unable(String why) {
        if (unassigned.on()) {
            LOG.warnf("cannot follow %s yet (%s): carrying the config's apps only; retrying every %d s", Topics.APPS, why,
                    RETRY.toSeconds());
        }
    }

    /** Folds one record into the tables; a record that does not read is skipped, and said once. */
    void apply(ConsumerRecord<String, byte[]> record) {
        try {
            if (record.topic().equals(Topics.APPS)) {
                if (record.value() == null) {
                    apps.remove(record.key());
                } else {
                    AppRecord app = Json.read(record.value(), AppRecord.class);
                    // Only this node's: a fleet's records would crowd a small agent, and one that
                    // names another node means the app has left.
                    if (agent.config().node().equals(app.node())) {
                        apps.put(app.app(), app);
                    } else {
                        apps.remove(app.app());
                    }
                }
            } else if (record.topic().equals(Topics.INVENTORY) && record.value() != null) {
                InventoryRecord node = Json.read(record.value(), InventoryRecord.class);
                if (agent.config().node().equals(node.node())) {
                    acceleratorTypes.clear();
                    node.accelerators().forEach(a -> acceleratorTypes.put(a.accelerator(), a.acceleratorType()));
                }
            }
            if (unreadable.off()) {
                LOG.infof("%s reads again", record.topic());
            }
        } catch (RuntimeException e) {
            if (unreadable.on()) {
                LOG.warnf("skipped a record of %s at offset %d that does not read (%s); said once until one reads",
                        record.topic(), record.offset(), e.getMessage());
            }
        }
    }

    /** Hands the agent the node's apps when they differ from what it carries. */
    void carryIfChanged() {
        AgentConfig config = agent.config();
        FollowedApps now = FollowedApps.on(config.node(), acceleratorTypes, apps.values(),
                AgentConfigReader.defaultTimeoutMs(config.intervalMs()));
        if (now.equals(last)) {
            return;
        }
        try {
            agent.carry(now.over(config));
        } catch (IllegalArgumentException e) {
            LOG.errorf("cannot carry the apps placed on %s: %s", config.node(), e.getMessage());
            return;
        }
        last = now;
        LOG.infof("carrying %d apps placed on %s (%d targets, %d pushing)%s", now.carried(), config.node(),
                now.targets().size(), now.push().size(), now.waiting().isEmpty() ? "" : "; waiting: " + now.waiting());
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            thread.join(POLL.toMillis() * 4);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
