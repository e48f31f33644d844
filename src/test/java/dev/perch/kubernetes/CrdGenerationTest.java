package dev.perch.kubernetes;

import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.kubernetes.client.CustomResource;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The CRDs users apply ({@code deploy/base/inferenceapps.perch.dev-v1.yml},
 * {@code deploy/base/moveapprovals.perch.dev-v1.yml}) are generated from the Java types and
 * committed; this test fails when the two differ. Regenerate with
 * {@code mvn test -Dtest=CrdGenerationTest -Dperch.regenerate=true}.
 */
class CrdGenerationTest {
    static final Path COMMITTED = Path.of("deploy/base/inferenceapps.perch.dev-v1.yml");
    static final Path APPROVALS = Path.of("deploy/base/moveapprovals.perch.dev-v1.yml");

    @TempDir
    Path out;

    @ParameterizedTest
    @ValueSource(classes = {InferenceApp.class, MoveApproval.class})
    void theCommittedCrdIsWhatTheGeneratorProducesFromTheJavaTypes(Class<? extends CustomResource<?, ?>> type) throws Exception {
        new CRDGenerator().inOutputDir(out.toFile()).forCRDVersions("v1").customResourceClasses(type).generate();
        Path committed = type == InferenceApp.class ? COMMITTED : APPROVALS;
        Path generated = out.resolve(committed.getFileName());
        String header = "# Generated from " + type.getName() + " by the fabric8 CRD generator; do not edit.\n"
                + "# Regenerate: mvn test -Dtest=CrdGenerationTest -Dperch.regenerate=true\n";
        String expected = header + Files.readString(generated);
        if (Boolean.getBoolean("perch.regenerate")) {
            Files.writeString(committed, expected);
        }
        assertEquals(expected, Files.readString(committed), committed + " is stale; regenerate it (see the class comment)");
    }
}
