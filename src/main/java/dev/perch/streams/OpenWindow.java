package dev.perch.streams;

import java.util.ArrayList;
import java.util.List;

/**
 * The telemetry window an accelerator is collecting reports of, not yet predicted: its start (the
 * reports' {@code windowStartMs}), the latest end among them, and the apps that reported it, in
 * arrival order.
 */
record OpenWindow(long startMs, long endMs, List<String> reported) {
    OpenWindow {
        reported = List.copyOf(reported);
    }

    static OpenWindow of(long startMs, long endMs, String app) {
        return new OpenWindow(startMs, endMs, List.of(app));
    }

    /** The window with one more report of it (an app that reports twice is listed once). */
    OpenWindow with(String app, long endMs) {
        List<String> apps = new ArrayList<>(reported);
        if (!apps.contains(app)) {
            apps.add(app);
        }
        return new OpenWindow(startMs, Math.max(this.endMs, endMs), apps);
    }
}
