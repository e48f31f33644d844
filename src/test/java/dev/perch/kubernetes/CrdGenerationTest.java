package dev.perch.kubernetes;

import io.fabric8.crdv2.generator.CRDGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The CRD users apply ({@code deploy/base/inferenceapps.perch.dev-v1.yml}) is generated from the
 * Java types and committed; this test fails when the two differ. Regenerate with
 * {@code mvn test -Dtest=CrdGenerationTest -Dperch.regenerate=true}.
 */
class CrdGenerationTest {
    static final Path COMMITTED = Path.of("deploy/base/inferenceapps.perch.dev-v1.yml");

    @TempDir
    Path out;

    @Test
    void theCommittedCrdIsWhatTheGeneratorProducesFromTheJavaTypes() throws Exception {
        new CRDGenerator().inOutputDir(out.toFile()).forCRDVersions("v1").customResourceClasses(InferenceApp.class)
                .generate();
        Path generated = out.resolve(COMMITTED.getFileName());
        String header = "# Generated from dev.perch.kubernetes.InferenceApp by the fabric8 CRD generator; do not edit.\n"
                + "# Regenerate: mvn test -Dtest=CrdGenerationTest -Dperch.regenerate=true\n";
        String expected = header + Files.readString(generated);
        if (Boolean.getBoolean("perch.regenerate")) {
            Files.writeString(COMMITTED, expected);
        }
        assertEquals(expected, Files.readString(COMMITTED), "deploy/base CRD is stale; regenerate it (see the class comment)");
    }
}
