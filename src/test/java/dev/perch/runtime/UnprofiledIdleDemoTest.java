package dev.perch.runtime;

import dev.perch.model.profile.UnprofiledScenarios;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import java.util.Map;

/** {@link UnprofiledDemo} on a generated cluster with an idle accelerator of each type. */
@QuarkusTest
@TestProfile(UnprofiledIdleDemoTest.Demo.class)
@QuarkusTestResource(EmbeddedKafkaResource.class)
class UnprofiledIdleDemoTest extends UnprofiledDemo {
    public static class Demo implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return demoOf(UnprofiledScenarios.Start.IDLE);
        }
    }

    @Override
    UnprofiledScenarios.Start start() {
        return UnprofiledScenarios.Start.IDLE;
    }
}
