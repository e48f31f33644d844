package dev.perch.runtime;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Asks Kafka once whether it accepts Perch's connection, for a command that would otherwise learn of
 * refused credentials or an untrusted certificate only from its clients' retries ({@code agent},
 * which keeps running while Kafka is away). A Kafka that does not answer is not a refusal: the
 * command goes on and its clients say when they cannot publish.
 */
public final class KafkaAccessCheck {
    private KafkaAccessCheck() {
    }

    /** Why Kafka at {@code bootstrapServers} refuses the connection {@code security} describes; empty when it accepts or does not answer within {@code timeout}. */
    public static Optional<String> refusal(String bootstrapServers, KafkaClientSecurity security, Duration timeout) {
        Map<String, Object> settings = security.clientSettings(bootstrapServers);
        int timeoutMs = (int) timeout.toMillis();
        settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "perch-access-check");
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        try (Admin admin = Admin.create(settings)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs)).clusterId()
                    .get(timeoutMs + 500L, TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            return security.refusal(e.getCause());
        } catch (KafkaException e) {
            return Optional.of(security.unmadeClient(bootstrapServers, e));
        }
    }
}
