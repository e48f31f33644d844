package dev.perch.runtime;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Destroyed;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Owns the embedded broker that {@code demo} starts before Quarkus boots (the clients' configuration
 * must name it), and closes it after every client is gone: on the application scope's destruction,
 * which comes after Kafka Streams and the messaging connectors have shut down.
 */
@ApplicationScoped
public class BrokerHolder {
    private static final Logger LOG = Logger.getLogger(BrokerHolder.class);
    private static volatile EmbeddedKafka broker;

    /** Hands over a broker started before the application; it is closed when the application ends. */
    public static void adopt(EmbeddedKafka started) {
        broker = started;
    }

    static void closeBroker() {
        EmbeddedKafka current = broker;
        broker = null;
        if (current != null) {
            LOG.debug("closing the embedded Kafka broker");
            current.close();
        }
    }

    void onShutdown(@Observes @Destroyed(ApplicationScoped.class) Object event) {
        closeBroker();
    }
}
