package dev.perch;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The package rules of DESIGN.md: each room depends only on the rooms it may. */
class ArchitectureTest {
    private static JavaClasses perch;

    @BeforeAll
    static void importClasses() {
        perch = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.perch");
    }

    private static final String[] FRAMEWORKS = {"io.quarkus..", "jakarta..", "org.apache.kafka..", "io.fabric8..",
            "io.smallrye..", "org.eclipse.microprofile..", "io.micrometer..", "io.vertx.."};

    @Test
    void modelAndPlacementArePureJava() {
        noClasses().that().resideInAnyPackage("dev.perch.model..", "dev.perch.placement..")
                .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS)
                .check(perch);
    }

    @Test
    void profilesDependOnNothingElseOfPerch() {
        noClasses().that().resideInAPackage("dev.perch.model.profile..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.perch.model.queueing..", "dev.perch.placement..",
                        "dev.perch.cluster..", "dev.perch.telemetry..", "dev.perch.streams..", "dev.perch.controller..",
                        "dev.perch.kubernetes..", "dev.perch.sim..", "dev.perch.runtime..", "dev.perch.api..", "dev.perch.cli..")
                .check(perch);
    }

    @Test
    void queueingModelsDependOnlyOnProfiles() {
        noClasses().that().resideInAPackage("dev.perch.model.queueing..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.perch.placement..", "dev.perch.cluster..",
                        "dev.perch.telemetry..", "dev.perch.streams..", "dev.perch.controller..", "dev.perch.kubernetes..",
                        "dev.perch.sim..", "dev.perch.runtime..", "dev.perch.api..", "dev.perch.cli..")
                .check(perch);
    }

    /**
     * The planner's steps are the cluster's own step type ({@code cluster.PlanStep}), so one move
     * type goes from planner to executor to actuator; nothing else of the ports is the planner's.
     */
    @Test
    void placementDependsOnlyOnModelsAndTheClusterStepType() {
        noClasses().that().resideInAPackage("dev.perch.placement..")
                .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "cluster classes other than PlanStep", (com.tngtech.archunit.core.domain.JavaClass c) ->
                                c.getPackageName().equals("dev.perch.cluster") && !c.getName().startsWith("dev.perch.cluster.PlanStep")))
                .check(perch);
        noClasses().that().resideInAPackage("dev.perch.placement..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.perch.telemetry..",
                        "dev.perch.streams..", "dev.perch.controller..", "dev.perch.kubernetes..", "dev.perch.sim..",
                        "dev.perch.runtime..", "dev.perch.api..", "dev.perch.cli..")
                .check(perch);
    }

    @Test
    void clusterPortsKnowOnlyProfiles() {
        noClasses().that().resideInAPackage("dev.perch.cluster..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.perch.model.queueing..", "dev.perch.placement..",
                        "dev.perch.telemetry..", "dev.perch.streams..", "dev.perch.controller..", "dev.perch.kubernetes..",
                        "dev.perch.sim..", "dev.perch.runtime..", "dev.perch.api..", "dev.perch.cli..")
                .orShould().dependOnClassesThat().resideInAnyPackage(FRAMEWORKS)
                .check(perch);
    }

    @Test
    void theSimulatorIsAnIndependentJudge() {
        noClasses().that().resideInAPackage("dev.perch.sim..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.perch.model.queueing..", "dev.perch.placement..",
                        "dev.perch.controller..", "dev.perch.streams..", "dev.perch.kubernetes..", "dev.perch.runtime..")
                .check(perch);
    }

    @Test
    void telemetryKnowsOnlyProfiles() {
        noClasses().that().resideInAPackage("dev.perch.telemetry..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.perch.model.queueing..", "dev.perch.placement..",
                        "dev.perch.cluster..", "dev.perch.streams..", "dev.perch.controller..", "dev.perch.kubernetes..",
                        "dev.perch.sim..", "dev.perch.runtime..", "dev.perch.api..", "dev.perch.cli..")
                .check(perch);
    }

    @Test
    void topologyCodeIsPlainStreamsCode() {
        noClasses().that().resideInAPackage("dev.perch.streams..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.perch.placement..", "dev.perch.cluster..",
                        "dev.perch.controller..", "dev.perch.kubernetes..", "dev.perch.sim..", "dev.perch.runtime..",
                        "io.quarkus..", "jakarta..", "io.fabric8..")
                .check(perch);
    }

    @Test
    void controllerDoesNotReachIntoInfrastructure() {
        noClasses().that().resideInAPackage("dev.perch.controller..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.perch.streams..", "dev.perch.kubernetes..",
                        "dev.perch.sim..", "dev.perch.runtime..", "io.fabric8..", "org.apache.kafka.streams..")
                .check(perch);
    }

    /** Dry-run is an actuator: wired by the controller's builder, labelled by the executor, unknown to every decision. */
    @Test
    void onlyTheExecutorAndTheWiringKnowOfDryRun() {
        noClasses().that().doNotHaveFullyQualifiedName("dev.perch.controller.PlanExecutor")
                .and().doNotHaveFullyQualifiedName("dev.perch.controller.Reconciler")
                .and().doNotHaveFullyQualifiedName("dev.perch.controller.DryRunActuator")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.perch.controller.DryRunActuator")
                .check(perch);
        noClasses().that().resideInAPackage("dev.perch.controller..")
                .and().doNotHaveFullyQualifiedName("dev.perch.controller.PlanExecutor")
                .and().doNotHaveFullyQualifiedName("dev.perch.controller.DryRunActuator")
                .should().callMethod(dev.perch.cluster.ClusterActuator.class, "dryRun")
                .check(perch);
    }

    @Test
    void onlyTheKubernetesPackageImportsFabric8() {
        noClasses().that().resideOutsideOfPackage("dev.perch.kubernetes..")
                .should().dependOnClassesThat().resideInAPackage("io.fabric8..")
                .check(perch);
    }
}
