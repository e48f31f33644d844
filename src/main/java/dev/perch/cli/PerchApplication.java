package dev.perch.cli;

import dev.perch.runtime.DemoDriver;
import dev.perch.runtime.DemoSummary;
import dev.perch.runtime.PerchConfig;
import dev.perch.runtime.ReplayDriver;
import dev.perch.telemetry.Json;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import jakarta.inject.Inject;
import sun.misc.Signal;

/**
 * What the booted application does: in {@code demo} mode, drive the simulated cluster and print the
 * summary as the only line on stdout; otherwise serve until asked to stop.
 */
public class PerchApplication implements QuarkusApplication {
    @Inject
    PerchConfig config;
    @Inject
    DemoDriver demo;
    @Inject
    ReplayDriver replay;

    @Override
    public int run(String... args) throws Exception {
        if ("demo".equals(config.mode())) {
            // Ctrl-C (or a TERM) ends the demo like its time limit does: the loop stops, the summary is
            // printed, and the application shuts down in order with exit code 0.
            for (String name : new String[]{"INT", "TERM"}) {
                Signal.handle(new Signal(name), signal -> demo.requestStop());
            }
            DemoSummary summary = demo.run();
            System.out.println(Json.write(summary));
            System.out.flush();
            return 0;
        }
        if ("replay".equals(config.mode())) {
            for (String name : new String[]{"INT", "TERM"}) {
                Signal.handle(new Signal(name), signal -> replay.requestStop());
            }
            System.out.println(Json.write(replay.run()));
            System.out.flush();
            return 0;
        }
        Quarkus.waitForExit();
        return 0;
    }
}
