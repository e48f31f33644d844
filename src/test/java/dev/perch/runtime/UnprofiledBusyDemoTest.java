package dev.perch.runtime;

import dev.perch.model.profile.UnprofiledScenarios;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import java.util.Map;

/** {@link UnprofiledDemo} on a generated cluster where every accelerator is busy. */
@QuarkusTest
@TestProfile(UnprofiledBusyDemoTest.Demo.class)
@QuarkusTestResource(EmbeddedKafkaResource.class)
class UnprofiledBusyDemoTest extends UnprofiledDemo {
    public static class Demo implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return demoOf(UnprofiledScenarios.Start.BUSY);
        }
    }

    @Override
    UnprofiledScenarios.Start start() {
        return UnprofiledScenarios.Start.BUSY;
    }
}
