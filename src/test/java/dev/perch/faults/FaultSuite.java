package dev.perch.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The fault suite of issue 23: {@code FaultSuite all|NAME[,NAME…]} runs the named faults one after
 * another, each in a fresh working directory, and prints, last, one JSON line per fault
 * ({@link FaultResult}). What each fault found broken goes to stderr; the exit status is 1 when any
 * fault found something broken or could not run. Run it with {@code loadtests/faults.sh}.
 */
public final class FaultSuite {
    /** Every fault, in the order the suite runs them. */
    private static final Map<String, Supplier<Fault>> FAULTS = faults();

    private FaultSuite() {
    }

    private static Map<String, Supplier<Fault>> faults() {
        Map<String, Supplier<Fault>> faults = new LinkedHashMap<>();
        faults.put("broker-restart", BrokerRestartFault::new);
        faults.put("kill-9", KillNineFault::new);
        faults.put("flood", FloodFault::new);
        faults.put("leader-change", LeaderChangeFault::new);
        faults.put("kafka-down", KafkaDownFault::new);
        faults.put("node-lost", NodeLostFault::new);
        faults.put("clock-skew", ClockSkewFault::new);
        return faults;
    }

    public static void main(String[] args) throws Exception {
        String wanted = args.length == 0 || args[0].isBlank() ? "all" : args[0];
        List<String> names = wanted.equals("all") ? List.copyOf(FAULTS.keySet()) : Arrays.asList(wanted.split(","));
        for (String name : names) {
            if (!FAULTS.containsKey(name)) {
                System.err.println("faults: unknown fault '" + name + "' (known: " + String.join(", ", FAULTS.keySet()) + ")");
                System.exit(2);
            }
        }
        Path jar = Path.of(System.getProperty("perch.jar", "target/quarkus-app/quarkus-run.jar"));
        List<String> lines = new ArrayList<>();
        boolean broken = false;
        for (String name : names) {
            Path work = Files.createTempDirectory("perch-fault-" + name + "-");
            System.err.println("faults: " + name + " in " + work);
            FaultResult result;
            Fault fault = FAULTS.get(name).get();
            try {
                result = fault.run(new FaultContext(work, jar));
            } catch (Exception e) {
                System.err.println("faults: " + name + " could not run: " + e);
                e.printStackTrace();
                broken = true;
                continue;
            }
            List<String> problems = new ArrayList<>(result.problems());
            problems.addAll(fault.findings());
            for (String problem : problems) {
                System.err.println("faults: " + name + ": " + problem);
                broken = true;
            }
            lines.add(result.jsonLine());
        }
        lines.forEach(System.out::println);
        System.out.flush();
        System.exit(broken ? 1 : 0);
    }
}
