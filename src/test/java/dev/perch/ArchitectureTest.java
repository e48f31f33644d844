package dev.perch;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The package rules of DESIGN.md as allow-lists: each room ({@link #ROOMS}) depends only on itself,
 * the JDK, the rooms DESIGN.md's table says it may, and the few libraries it needs for its job. A
 * new dependency fails here until the table (and this test) say it belongs; a new package fails
 * {@link #everyPackageIsARoomWithARule()} until it gets a rule. Messaging, metrics and CDI stay at
 * the edge ({@code runtime}, {@code api}, {@code cli}, the Kubernetes adapter); the decision code
 * ({@code model}, {@code placement}, {@code controller}) is plain Java.
 */
class ArchitectureTest {
    private static JavaClasses perch;

    /** DESIGN.md's packages under {@code dev.perch}: each has exactly one rule below. */
    static final List<String> ROOMS = List.of("model.profile", "model.queueing", "placement", "cluster", "telemetry",
            "streams", "controller", "kubernetes", "agent", "sim", "runtime", "api", "cli");

    @BeforeAll
    static void importClasses() {
        perch = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.perch");
    }

    /** {@code dev.perch.<room>..} for each room named. */
    private static String[] perchPackages(String... rooms) {
        return Stream.of(rooms).map(room -> "dev.perch." + room + "..").toArray(String[]::new);
    }

    /** The rooms of DESIGN.md's table above {@code row} ("everything above"). */
    private static String[] roomsAbove(String row) {
        return ROOMS.subList(0, ROOMS.indexOf(row)).toArray(String[]::new);
    }

    /** The room itself, the JDK's {@code java..}, the given rooms and the given other packages. */
    private static DescribedPredicate<JavaClass> allowed(String room, String[] rooms, String... libraries) {
        List<String> packages = new ArrayList<>();
        packages.add("dev.perch." + room + "..");
        packages.add("java..");
        packages.addAll(List.of(perchPackages(rooms)));
        packages.addAll(List.of(libraries));
        return resideInAnyPackage(packages.toArray(String[]::new));
    }

    private static void roomDependsOnlyOn(String room, DescribedPredicate<JavaClass> allowed) {
        classes().that().resideInAPackage("dev.perch." + room + "..")
                .should().onlyDependOnClassesThat(allowed)
                .check(perch);
    }

    private static String[] rooms(String... rooms) {
        return rooms;
    }

    /** The room a package belongs to, or {@code null} for a package that is in none. */
    private static String roomOf(String packageName) {
        for (String room : ROOMS) {
            String base = "dev.perch." + room;
            if (packageName.equals(base) || packageName.startsWith(base + ".")) {
                return room;
            }
        }
        return null;
    }

    @Test
    void everyPackageIsARoomWithARule() {
        Set<String> strays = new TreeSet<>();
        for (JavaClass c : perch) {
            if (roomOf(c.getPackageName()) == null) {
                strays.add(c.getPackageName());
            }
        }
        assertEquals(Set.of(), strays, "packages outside DESIGN.md's table: add the room there and an allow-list here");
    }

    /** No room reaches back to a room that reaches it; {@code model.profile} and {@code model.queueing} are rooms of their own. */
    @Test
    void theRoomsAreFreeOfCycles() {
        slices().assignedFrom(new SliceAssignment() {
                    @Override
                    public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                        String room = roomOf(javaClass.getPackageName());
                        return room == null ? SliceIdentifier.ignore() : SliceIdentifier.of(room);
                    }

                    @Override
                    public String getDescription() {
                        return "the rooms of dev.perch";
                    }
                })
                .should().beFreeOfCycles()
                .check(perch);
    }

    // ---- one allow-list per room, in DESIGN.md's order ----

    /** The catalog and scenarios: JDK and Jackson (YAML). */
    @Test
    void profiles() {
        roomDependsOnlyOn("model.profile", allowed("model.profile", rooms(), "com.fasterxml.jackson.."));
    }

    /** The analytic latency models: pure Java over the profiles. */
    @Test
    void queueingModels() {
        roomDependsOnlyOn("model.queueing", allowed("model.queueing", rooms("model.profile")));
    }

    /** {@code cluster.PlanStep} and its nested step types. */
    private static final DescribedPredicate<JavaClass> PLAN_STEP = DescribedPredicate.describe("cluster.PlanStep",
            c -> c.getName().equals("dev.perch.cluster.PlanStep") || c.getName().startsWith("dev.perch.cluster.PlanStep$"));

    /** Placement is pure Java over the models, and the cluster's step type ({@link #placementKnowsOnlyTheStepTypeOfTheClusterPorts()}). */
    @Test
    void placement() {
        roomDependsOnlyOn("placement", allowed("placement", rooms("model")).or(PLAN_STEP));
    }

    /** The ports between brain and cluster. */
    @Test
    void clusterPorts() {
        roomDependsOnlyOn("cluster", allowed("cluster", rooms("model.profile")));
    }

    /** Records, serdes (Kafka clients' serialization), topic names, validation. */
    @Test
    void telemetry() {
        roomDependsOnlyOn("telemetry", allowed("telemetry", rooms("model.profile"),
                "com.fasterxml.jackson..", "org.apache.kafka.common.serialization.."));
    }

    /** Plain {@code StreamsBuilder} code: Kafka Streams and its serdes, no CDI; slf4j for logs. */
    @Test
    void streams() {
        roomDependsOnlyOn("streams", allowed("streams", rooms("model", "telemetry"),
                "org.apache.kafka.streams..", "org.apache.kafka.common..", "org.slf4j.."));
    }

    /**
     * The controller's decision code: plain Java over the models, placement, the ports and the
     * records; slf4j for logs. No messaging, metrics or CDI: their adapters live in {@code runtime}.
     */
    @Test
    void controller() {
        roomDependsOnlyOn("controller", allowed("controller", rooms("model", "placement", "cluster", "telemetry"),
                "org.slf4j.."));
    }

    /**
     * The Kubernetes adapter: fabric8 (and Jackson, which its CRD types are annotated for), the CDI
     * producer of the cluster ({@code KubernetesClusterProducer}) with its configuration, and JBoss
     * logging.
     */
    @Test
    void kubernetes() {
        roomDependsOnlyOn("kubernetes", allowed("kubernetes", rooms("cluster", "model.profile"),
                "io.fabric8..", "com.fasterxml.jackson..", "jakarta.enterprise..", "jakarta.inject..",
                "org.eclipse.microprofile.config..", "org.jboss.logging.."));
    }

    /**
     * The node-side agent: scrapes inference servers and takes pushed requests, and publishes
     * telemetry windows. It runs alone on a node, so it wires itself: the JDK's HTTP server, a plain
     * Kafka producer, Jackson for its config and records, JBoss logging. No Quarkus, Streams or CDI.
     */
    @Test
    void agent() {
        roomDependsOnlyOn("agent", allowed("agent", rooms("model.profile", "telemetry"),
                "com.fasterxml.jackson..", "org.apache.kafka.clients..", "org.apache.kafka.common..",
                "com.sun.net.httpserver..", "org.jboss.logging.."));
    }

    /** The simulated cluster: profiles, the ports it implements and the telemetry it emits; no library. */
    @Test
    void simulator() {
        roomDependsOnlyOn("sim", allowed("sim", rooms("model.profile", "cluster", "telemetry"), "com.sun.net.httpserver.."));
    }

    /**
     * Process wiring: every room above, and the frameworks it wires them with — Quarkus, CDI,
     * MicroProfile and SmallRye (configuration, reactive messaging), Micrometer, Kafka (clients,
     * Streams, the embedded broker's {@code kafka..}, and the options of Streams' RocksDB stores),
     * logging.
     */
    @Test
    void runtime() {
        roomDependsOnlyOn("runtime", allowed("runtime", roomsAbove("runtime"),
                "io.quarkus..", "jakarta..", "org.eclipse.microprofile..", "io.smallrye..", "io.micrometer..",
                "org.apache.kafka..", "kafka..", "org.rocksdb..", "org.jboss.logging..", "org.slf4j.."));
    }

    /** REST and the web page: every room above but {@code cli}, through JAX-RS and CDI injection. */
    @Test
    void api() {
        roomDependsOnlyOn("api", allowed("api", roomsAbove("api"), "jakarta.ws.rs..", "jakarta.inject.."));
    }

    /**
     * The command line: every room above but {@code api}; Quarkus to boot, SmallRye Config to
     * explain a bad setting, Jackson for reports, {@code javax.imageio} for the plot and
     * {@code sun.misc.Signal} to stop on a signal.
     */
    @Test
    void cli() {
        roomDependsOnlyOn("cli", allowed("cli", roomsAbove("api"),
                "io.quarkus..", "io.smallrye.config..", "jakarta.inject..", "com.fasterxml.jackson..",
                "javax.imageio..", "sun.misc.."));
    }

    // ---- rules the allow-lists do not say on their own ----

    /**
     * The planner's steps are the cluster's own step type ({@code cluster.PlanStep}), so one move
     * type goes from planner to executor to actuator; nothing else of the ports is the planner's.
     * DESIGN.md's table lists only {@code model.*} for placement; this is the one exception.
     */
    @Test
    void placementKnowsOnlyTheStepTypeOfTheClusterPorts() {
        noClasses().that().resideInAPackage("dev.perch.placement..")
                .should().dependOnClassesThat(resideInAnyPackage("dev.perch.cluster..").and(DescribedPredicate.not(PLAN_STEP))
                        .as("cluster classes other than PlanStep"))
                .check(perch);
    }

    /**
     * The simulator is the independent judge of latency: if it used the planner's own formulas it
     * would grade the planner against itself (DESIGN.md). {@link #simulator()} already forbids this;
     * this rule says why.
     */
    @Test
    void theSimulatorIsAnIndependentJudge() {
        noClasses().that().resideInAPackage("dev.perch.sim..")
                .should().dependOnClassesThat().resideInAnyPackage(perchPackages("model.queueing", "placement", "controller"))
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

    /** Figures Perch writes (alerts, decisions, JSON) read the same on every host, whatever its locale. */
    @Test
    void numbersAreFormattedInTheRootLocale() {
        noClasses().should().callMethod(String.class, "format", String.class, Object[].class)
                .because("String.format without a Locale writes 123,5 on a comma-decimal host; pass Locale.ROOT")
                .check(perch);
    }
}
