package dev.perch.cli;

import dev.perch.model.profile.ScenarioException;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Perch's command line. Dispatches before Quarkus boots, so that a command that needs no broker,
 * Streams or HTTP server starts none ({@link PureCommands}), and so that {@code demo} can start its
 * embedded broker before the Kafka clients are configured ({@link PipelineCommands},
 * {@link PipelineBoot}). Bad input, from any command, is one line on stderr and exit code 2.
 *
 * <pre>
 * demo [--scenario NAME|NAME:N|FILE] [--seed N] [--speed 1|X|max] [--duration D] [--data-dir DIR] [--policy perch|reactive]
 *      [--consolidate true|false] [--print-scenario FILE]
 * predict --file FILE|-
 * validate --recording FILE [--format perch|ibis] [--catalog FILE]
 * replay --recording FILE [--format perch|ibis] [--speed X] [--data-dir DIR]
 * evaluate [--scenario NAME|NAME:N|FILE] [--strategies a,b,...] [--seed N] [--plot out.png] [--print-scenario FILE]
 * run [--namespace NS] [--dry-run true|false] [--approval true|false] [--consolidate true|false] [--state-dir DIR]
 * agent --config FILE [--print]
 * </pre>
 */
@QuarkusMain
public class PerchMain {
    /**
     * How {@code run} reads alerts and predictions, each replica in groups of its own.
     * Predictions start at the latest offset: the next windows say all a replica needs, and a day of
     * them is not replayed on every restart. Alerts are read from the start of the topic (a week)
     * on every start, committing nothing: the topology alerts on a change of state only, so an app
     * that went at risk before this replica started is known from its open alert alone. Those
     * earlier alerts are neither counted nor acted on as they stand ({@code Reconciler#raisedBeforeStart});
     * the loop answers those whose app is still at risk.
     */
    public static final Map<String, String> RUN_CONSUMERS = Map.of(
            "mp.messaging.incoming.predictions.auto.offset.reset", "latest",
            "mp.messaging.incoming.alerts.auto.offset.reset", "earliest",
            "mp.messaging.incoming.alerts.enable.auto.commit", "false",
            "mp.messaging.incoming.alerts.commit-strategy", "ignore");

    /** The exit code of bad input: a bad argument, scenario or setting. */
    static final int BAD_INPUT = 2;

    public static void main(String... args) {
        if (args.length == 0 || Set.of("-h", "--help", "help").contains(args[0])) {
            System.err.println(Usage.text());
            System.exit(args.length == 0 ? BAD_INPUT : 0);
        }
        String command = args[0];
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        try {
            switch (command) {
                case "demo" -> PipelineCommands.demo(rest);
                case "predict" -> PureCommands.predict(rest);
                case "validate" -> PureCommands.validate(rest);
                case "replay" -> PipelineCommands.replay(rest);
                case "evaluate" -> PureCommands.evaluate(rest);
                case "run" -> PipelineCommands.run(rest);
                case "agent" -> AgentCommand.agent(rest);
                default -> throw new UsageException("unknown command '" + command + "' (commands: demo, replay, predict, validate, evaluate, run, agent; --help for usage)");
            }
        } catch (UsageException | ScenarioException e) {
            System.err.println("perch " + command + ": " + e.getMessage());
            System.exit(BAD_INPUT);
        }
    }
}
