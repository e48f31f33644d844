package dev.perch.streams;

import java.io.File;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
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
 * <pre>
 * git worktree add /tmp/before REV &amp;&amp; (cd /tmp/before &amp;&amp; mvn -B -q compile)
 * mvn -B -q -Pbench test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp.txt
 * java -cp target/test-classes:$(cat /tmp/cp.txt) dev.perch.streams.AssessorCpuPair \
 *     /tmp/before/target/classes target/classes 24
 * </pre>
 */
public final class AssessorCpuPair {
    private static final int WARM_UP_ROUNDS = 3;

    private AssessorCpuPair() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: AssessorCpuPair CLASSES_A CLASSES_B [ROUNDS]");
            System.exit(2);
        }
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 24;
        URL tests = Path.of(AssessorCpu.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toUri().toURL();
        List<URL> dependencies = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                dependencies.add(Path.of(entry).toUri().toURL());
            }
        }
        ClassLoader shared = new URLClassLoader(dependencies.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        Build[] builds = {Build.load(args[0], tests, shared), Build.load(args[1], tests, shared)};
        List<List<Double>> microsPerReport = List.of(new ArrayList<>(), new ArrayList<>());
        for (int round = 0; round < rounds; round++) {
            for (int turn = 0; turn < 2; turn++) {
                int which = round % 2 == 0 ? turn : 1 - turn;
                double micros = builds[which].round(round);
                System.out.printf(Locale.ROOT, "round %d %s: %.1f µs of CPU a report%n", round, which == 0 ? "A" : "B", micros);
                if (round >= WARM_UP_ROUNDS) {
                    microsPerReport.get(which).add(micros);
                }
            }
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < microsPerReport.get(0).size(); i++) {
            ratios.add(microsPerReport.get(1).get(i) / microsPerReport.get(0).get(i));
        }
        System.out.printf(Locale.ROOT, "A median %.2f µs, B median %.2f µs, B/A paired median %.3f (%d pairs)%n",
                median(microsPerReport.get(0)), median(microsPerReport.get(1)), median(ratios), ratios.size());
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
