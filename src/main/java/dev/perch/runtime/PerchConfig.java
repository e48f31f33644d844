package dev.perch.runtime;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.Locale;

/** Perch's own settings ({@code perch.*}); the command line sets them for {@code demo}. */
@ConfigMapping(prefix = "perch")
public interface PerchConfig {
    /** A built-in scenario's name or a scenario file. */
    @WithDefault("default")
    String scenario();

    /** Seed of the simulated cluster's randomness. */
    @WithDefault("1")
    long seed();

    /**
     * {@code demo} drives the simulated cluster; {@code service} only runs the topology and the
     * controller on the simulated cluster; {@code run} acts on a Kubernetes cluster.
     */
    @WithDefault("service")
    String mode();

    /** {@code 1} real time, a factor, or {@code max} in lock-step with the pipeline. */
    @WithDefault("1")
    String speed();

    /** Wall-clock limit of the demo in seconds; 0 for none. */
    @WithDefault("0")
    double durationSec();

    /** Simulated seconds between the decision to move an app and the switch of its traffic. */
    @WithDefault("2")
    double moveSec();

    /** {@code perch} (model-driven, acts on alerts) or {@code reactive} (the Ibis paper's rule). */
    @WithDefault("perch")
    String policy();

    /** Seconds (of the cluster's clock) before the same app may be acted on again. */
    @WithDefault("30")
    double cooldownSec();

    /** What {@code replay} reads. */
    Replay replay();

    /** The Kubernetes cluster {@code run} acts on (the API server itself: {@code quarkus.kubernetes-client.*}). */
    Kubernetes kubernetes();

    /** Limits on what the controller may do ({@code dev.perch.controller.Guards}). */
    Guards guards();

    /** Perch's node agent, as the controller accounts for it (read by the Kubernetes adapter). */
    Agent agent();

    interface Agent {
        /** Whether the agent's DaemonSet runs on Perch's nodes; off, no memory is set aside for it. */
        @WithDefault("false")
        boolean enabled();

        /**
         * The memory one agent takes on its node, MB, left out of the node's memory when enabled.
         * An estimate of a small JVM process (heap, metaspace, threads, Kafka producer buffers): set
         * it to the DaemonSet's memory limit.
         */
        @WithDefault("128")
        double memoryMb();
    }

    /** What Perch expects of each placed app's telemetry. */
    Telemetry telemetry();

    interface Telemetry {
        /**
         * Seconds without telemetry for a placed app before its owner is told ({@code Reporting=False},
         * reason {@code NoTelemetry}, on Kubernetes).
         */
        @WithDefault("60")
        long silenceSec();

        /**
         * How the demo's telemetry reaches Kafka: {@code direct} (the simulator publishes it) or
         * {@code agent} (simulated inference servers, scraped and pushed to Perch's node agents,
         * which publish it: {@code demo --telemetry agent}).
         */
        @WithDefault("direct")
        String via();
    }

    /** What the live view keeps of the recent past ({@code dev.perch.controller.history.LiveHistory}), in memory. */
    LiveView liveView();

    interface LiveView {
        /**
         * App points (one per app and second, about 44 bytes each) kept over all apps; past it the
         * oldest go first. Each app keeps at most an hour's.
         */
        @WithDefault("1000000")
        int historyPoints();

        /** Accelerator points (one per accelerator and second, about 24 bytes each) kept over all accelerators. */
        @WithDefault("1000000")
        int acceleratorHistoryPoints();

        /** Alerts and decisions kept as events over all apps (each app keeps at most 100). */
        @WithDefault("20000")
        int historyEvents();
    }

    /** What placement promises about each app's SLO ({@code dev.perch.placement.PlacementPolicy}). */
    Placement placement();

    interface Placement {
        /**
         * The share of each app's windows (of its {@code sloWindowSec}) in which its SLO statistic
         * must be predicted under its SLO for a placement to be accepted.
         */
        @WithDefault("0.99")
        double windowCompliance();

        /**
         * How many times stricter than the promise the planner holds the model of a window's
         * percentile: it accepts a placement where the model puts at most
         * {@code (1 − windowCompliance) / percentileModelMargin} of a p50/p95/p99 app's windows over
         * its SLO (docs/decisions/0008-percentile-model-margin.md).
         */
        @WithDefault("10")
        double percentileModelMargin();
    }

    /** How new apps are admitted ({@code dev.perch.placement.PlacementPolicy}). */
    Admission admission();

    interface Admission {
        /**
         * The largest share of the Edge TPU time left in the cluster that one new app may take when
         * only Edge TPUs can run it ({@code dev.perch.placement.EdgeTpuReserve}); 1 admits every app
         * that fits.
         */
        @WithDefault("0.35")
        double maxShareOfEdgeTpuLeft();
    }

    /** Freeing accelerators once load has dropped ({@code dev.perch.controller.Consolidation}); off by default. */
    Consolidation consolidation();

    /** Learning the profile of a model nobody profiled ({@code dev.perch.controller.ProbationSettings}). */
    Probation probation();

    interface Probation {
        /** The half-width of the service mean's 95 % interval, as a share of it, at which a profile counts as learned. */
        @WithDefault("0.05")
        double precision();

        /** The fewest requests a learned profile rests on. */
        @WithDefault("200")
        long minRequests();

        /** The longest a probation lasts; then the profile is taken at the upper end of its interval. */
        @WithDefault("300")
        long longestSec();

        /** Whether a probation may start beside other apps, at a conservative prior, when no accelerator can be made idle. */
        @WithDefault("false")
        boolean shareWhenNoneIdle();
    }

    interface Consolidation {
        @WithDefault("false")
        boolean enabled();

        /** The least time between two consolidation passes, in seconds of the cluster's clock. */
        @WithDefault("300")
        long periodSec();

        /** The highest predicted utilisation consolidation packs an accelerator to (placement accepts 0.8). */
        @WithDefault("0.6")
        double maxUtilization();

        /** The share of each app's windows its SLO must be predicted to hold in (placement: 0.99). */
        @WithDefault("0.999")
        double windowCompliance();
    }

    /** Perch's topics on Kafka. */
    Kafka kafka();

    interface Kafka {
        /**
         * Partitions of {@code perch.telemetry.v1} (and {@code perch.predictions.v1}) when Perch creates
         * them: the most topology instances that can share the work. Read at start-up, before the
         * application's configuration is, so set it as {@code -Dperch.kafka.telemetry-partitions=N} or
         * {@code PERCH_KAFKA_TELEMETRY_PARTITIONS=N}; an existing topic keeps its partitions.
         */
        @WithDefault("6")
        int telemetryPartitions();
    }

    interface Kubernetes {
        /** The namespace of the InferenceApps, their Deployments and Services, and the leader Lease. */
        @WithDefault("perch")
        String namespace();

        /** Seconds a migration's target has to become ready before the move is rolled back. */
        @WithDefault("120")
        long readyTimeoutSec();

        /** The Lease that elects one leader among the controller replicas. */
        @WithDefault("perch-controller")
        String leaseName();

        /** This replica's name in the election; by default the pod's (HOSTNAME). */
        java.util.Optional<String> identity();

        /** Seconds between reconcile passes (inventory, new apps, migrations). */
        @WithDefault("5")
        double loopSec();

        /** Network time between clients and the cluster's nodes, ms (as in a scenario's networkMs). */
        @WithDefault("10")
        double networkMs();

        /**
         * Conditions and Events written to apps per second, coalesced per app (bursts of twice that);
         * 0 writes each at once. Why 50: docs/decisions/0010-status-write-pace.md.
         */
        @WithDefault("50")
        double statusWritesPerSec();
    }

    interface Guards {
        @WithDefault("3")
        int movesPerWindow();

        @WithDefault("1")
        int movesPerNode();

        @WithDefault("2")
        int inFlight();

        @WithDefault("60")
        long windowSec();

        /** Decide and record, apply nothing. */
        @WithDefault("false")
        boolean dryRun();

        /** Hold each move until approved (on Kubernetes: a {@code MoveApproval} naming it). */
        @WithDefault("false")
        boolean approval();
    }

    interface Replay {
        /** The recording file; required in replay mode. */
        java.util.Optional<String> recording();

        /** {@code perch} or {@code ibis}. */
        @WithDefault("perch")
        String format();

        /** 0 for as fast as possible, else a factor of real time. */
        @WithDefault("0")
        double speed();
    }
}
