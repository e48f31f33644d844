package dev.perch.streams;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * {@link AssessorCpu} on two builds of Perch's classes in one JVM, their rounds alternated (A B, B A,
 * A B…), for an A/B of a change to the per-report path. Run one after the other, the same code moves
 * by 15–20 % between runs on a shared two-core machine, more than most changes; rounds seconds apart see
 * the same machine, so the median of their paired ratios shows a few per cent. Each build is loaded
 * by a class loader of its own over the shared dependencies, with the same {@code AssessorCpu} (so
 * both builds must have the methods it calls). The first three rounds of each are warm-up.
 *
 * <p>In one JVM the build loaded second runs slower than the first, even when both are the same
 * classes copied to two directories (loadtests/README.md, "Topology throughput"). So the
 * comparison runs twice, each in a JVM of its own with this one's JVM options, once in each order:
 * with r₁ the median ratio B/A with A loaded first and r₂ the median ratio A/B with B loaded first,
 * √(r₁/r₂) is B/A without the order's factor (if that factor is the same in both), and √(r₁·r₂) is
 * that factor. Identical builds give about 1 ± 0.05: a smaller difference is none.
 *
 * <pre>
 * git worktree add /tmp/before REV &amp;&amp; (cd /tmp/before &amp;&amp; mvn -B -q compile)
 * mvn -B -q -Pbench test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp.txt
 * java -cp target/test-classes:$(cat /tmp/cp.txt) dev.perch.streams.AssessorCpuPair \
 *     /tmp/before/target/classes target/classes 24
 * </pre>
 */
public final class AssessorCpuPair {
    private static final int WARM_UP_ROUNDS = 3;
    /** Set on the JVMs this one starts: run one order only. */
    private static final String ONE_ORDER = "perch.pair.one-order";
    private static final String RESULT = "paired median ";

    private AssessorCpuPair() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: AssessorCpuPair CLASSES_A CLASSES_B [ROUNDS]");
            System.exit(2);
        }
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 24;
        if (Boolean.getBoolean(ONE_ORDER)) {
            System.out.printf(Locale.ROOT, "%s%.4f%n", RESULT, oneOrder(args[0], args[1], rounds));
            return;
        }
        double abFirst = inChildJvm(args[0], args[1], rounds, "A first");
        double baFirst = inChildJvm(args[1], args[0], rounds, "B first");
        System.out.printf(Locale.ROOT, "B/A %.3f without the order's bias (A first: B/A %.3f; B first: A/B %.3f;"
                + " the second build loaded runs ×%.3f)%n", Math.sqrt(abFirst / baFirst), abFirst, baFirst,
                Math.sqrt(abFirst * baFirst));
    }

    /** One order in a JVM of its own, its rounds echoed: the median ratio of the second build's CPU to the first's. */
    private static double inChildJvm(String first, String second, int rounds, String label) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments()); // -Xmx, -XX:… as given to this JVM
        command.addAll(List.of("-D" + ONE_ORDER + "=true", "-cp", System.getProperty("java.class.path"),
                AssessorCpuPair.class.getName(), first, second, Integer.toString(rounds)));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        double ratio = Double.NaN;
        try (var lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith(RESULT)) {
                    ratio = Double.parseDouble(line.substring(RESULT.length()));
                } else {
                    System.out.println(label + ": " + line);
                }
            }
        } catch (IOException | RuntimeException e) {
            child.destroyForcibly(); // not left running when its output cannot be read
            throw e;
        }
        if (child.waitFor() != 0 || Double.isNaN(ratio)) {
            throw new IllegalStateException(label + ": the child JVM failed (exit " + child.exitValue() + ")");
        }
        return ratio;
    }

    /** Both builds in this JVM, {@code first} loaded and run first: the median of the paired ratios second/first. */
    private static double oneOrder(String first, String second, int rounds) throws Exception {
        URL tests = Path.of(AssessorCpu.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toUri().toURL();
        List<URL> dependencies = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                dependencies.add(Path.of(entry).toUri().toURL());
            }
        }
        ClassLoader shared = new URLClassLoader(dependencies.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        Build[] builds = {Build.load(first, tests, shared), Build.load(second, tests, shared)};
        List<List<Double>> microsPerReport = List.of(new ArrayList<>(), new ArrayList<>());
        for (int round = 0; round < rounds; round++) {
            for (int turn = 0; turn < 2; turn++) {
                int which = round % 2 == 0 ? turn : 1 - turn;
                double micros = builds[which].round(round);
                System.out.printf(Locale.ROOT, "round %d %s: %.1f µs of CPU a report%n", round,
                        which == 0 ? "first" : "second", micros);
                if (round >= WARM_UP_ROUNDS) {
                    microsPerReport.get(which).add(micros);
                }
            }
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < microsPerReport.get(0).size(); i++) {
            ratios.add(microsPerReport.get(1).get(i) / microsPerReport.get(0).get(i));
        }
        System.out.printf(Locale.ROOT, "first loaded: median %.2f µs; second: %.2f µs; %d pairs%n",
                median(microsPerReport.get(0)), median(microsPerReport.get(1)), ratios.size());
        return median(ratios);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** One build's AssessorCpu, and its rounds' CPU per report. */
    private record Build(Object bench, Method round, Method cpuNanos) {
        static Build load(String classes, URL tests, ClassLoader shared) throws Exception {
            ClassLoader loader = new URLClassLoader(new URL[]{tests, Path.of(classes).toUri().toURL()}, shared);
            Class<?> type = loader.loadClass(AssessorCpu.class.getName());
            Constructor<?> constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            Method round = type.getDeclaredMethod("round", int.class);
            round.setAccessible(true);
            Method cpuNanos = loader.loadClass(AssessorCpu.class.getName() + "$Round").getDeclaredMethod("cpuNanos");
            cpuNanos.setAccessible(true);
            return new Build(constructor.newInstance(), round, cpuNanos);
        }

        double round(int number) throws Exception {
            return (long) cpuNanos.invoke(round.invoke(bench, number)) / 1e3 / AssessorCpu.PER_ROUND;
        }
    }
}
