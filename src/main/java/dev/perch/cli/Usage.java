package dev.perch.cli;

/** The command line's usage text, printed on stderr for {@code --help} and for no command at all. */
final class Usage {
    private Usage() {
    }

    static String text() {
        return """
                usage: java -jar target/quarkus-app/quarkus-run.jar COMMAND [OPTIONS]
                  demo [--scenario NAME|NAME:N|FILE] [--seed N] [--speed 1|X|max] [--duration D] [--data-dir DIR]
                       [--policy perch|reactive] [--consolidate true|false] [--print-scenario FILE]
                       [--telemetry direct|agent]
                       run the simulated edge cluster, Kafka, the Streams topology and the controller;
                       prints one JSON summary line on stdout; --telemetry agent (at --speed 1) sends the
                       telemetry through simulated inference servers and Perch's node agents
                  predict --file FILE|-
                       latency predictions (mean, p50, p95, p99) for a snapshot of accelerators and apps
                  validate --recording FILE [--format perch|ibis] [--catalog FILE]
                       predicted vs recorded mean and p95 per load step and app, with MAPE
                  replay --recording FILE [--format perch|ibis] [--speed X] [--data-dir DIR]
                       a recording as telemetry through Kafka and the topology; prints what Perch learned
                  evaluate [--scenario NAME|NAME:N|FILE] [--strategies a,b,...] [--seed N] [--slo-window-sec S] [--plot out.png]
                           [--print-scenario FILE]
                       placement strategies compared, judged by the simulator (default scenario: mixed)
                  run [--namespace NS] [--dry-run true|false] [--approval true|false] [--consolidate true|false]
                      [--state-dir DIR]
                       the controller against a Kubernetes cluster (kubeconfig or in-cluster) and Kafka
                       (KAFKA_BOOTSTRAP_SERVERS); leader election among replicas; --consolidate frees
                       accelerators once load has dropped
                  agent --config FILE [--node NAME] [--print]
                       the node agent: scrapes the inference servers' metrics endpoints every interval and
                       publishes a telemetry window per app to Kafka (KAFKA_BOOTSTRAP_SERVERS); --print
                       publishes nothing and prints each window as a JSON line; --node overrides the
                       config's node; with followApps: true it carries the apps Perch places there (docs/agent.md)
                demo and evaluate: --seed is the simulator's seed (default 1). A generated scenario (mixed,
                edgetpu-only, gpu-only, mixed-100, mixed-1000, small, random) is drawn with the seed N of
                NAME:N; named without one, demo draws it with 1 and evaluate with --seed, as before
                (docs/scenarios.md). --print-scenario writes the scenario that runs as YAML, which
                --scenario FILE runs again.""";
    }
}
