package dev.perch.runtime;

import org.apache.kafka.common.security.auth.AuthenticationContext;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.authenticator.DefaultKafkaPrincipalBuilder;

/**
 * A test broker's principals by listener, with no passwords: a client on listener {@code PERCH} is
 * {@code User:perch}, on {@code AGENT} {@code User:perch-agent}, on any other (the admin's, the
 * controller's) {@code User:ANONYMOUS}, the super user. How the user is authenticated (SCRAM) is not
 * what {@link KafkaUserAclEnforcedTest} checks; what each user may do is.
 */
public final class ListenerPrincipalBuilder extends DefaultKafkaPrincipalBuilder {
    public ListenerPrincipalBuilder() {
        super(null, null);
    }

    @Override
    public KafkaPrincipal build(AuthenticationContext context) {
        return switch (context.listenerName()) {
            case "PERCH" -> new KafkaPrincipal(KafkaPrincipal.USER_TYPE, KafkaUserAcls.RUN_USER);
            case "AGENT" -> new KafkaPrincipal(KafkaPrincipal.USER_TYPE, KafkaUserAcls.AGENT_USER);
            default -> KafkaPrincipal.ANONYMOUS;
        };
    }
}
