package dev.perch.cli;

import java.io.PrintStream;

/**
 * Progress of a long command, drawn as a one-line bar on stderr (stdout stays the command's JSON):
 * {@code perch     judging  [##########..........]  20/40}. Redrawn at most every 200 ms.
 */
interface Progress {
    Progress NONE = new Progress() {
        @Override
        public void update(String task, String phase, int done, int total) {
        }

        @Override
        public void done() {
        }
    };

    void update(String task, String phase, int done, int total);

    /** Ends the bar's line. */
    void done();

    static Progress bar(PrintStream out) {
        return new Progress() {
            private static final int WIDTH = 30;
            private static final long REDRAW_NS = 200_000_000L;
            private long lastDrawNs = System.nanoTime() - REDRAW_NS;
            private boolean drawn;

            @Override
            public void update(String task, String phase, int done, int total) {
                long now = System.nanoTime();
                if (now - lastDrawNs < REDRAW_NS && done < total) {
                    return;
                }
                lastDrawNs = now;
                int filled = total <= 0 ? 0 : (int) Math.round(WIDTH * Math.min(1.0, (double) done / total));
                out.printf("\r%-15s %-8s [%s%s] %5d/%d ", task, phase, "#".repeat(filled), ".".repeat(WIDTH - filled), done,
                        total);
                out.flush();
                drawn = true;
            }

            @Override
            public void done() {
                if (drawn) {
                    out.println();
                    drawn = false;
                }
            }
        };
    }
}
