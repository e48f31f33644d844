package dev.perch.cluster;

/**
 * Where the controller tells an app's owner what it decided and how the app's SLO fares — on
 * Kubernetes, Events and the status of the InferenceApp. Implementations write SLO reports only on
 * a change, so calling them for every prediction window costs nothing when nothing changes.
 */
public interface AppReports {
    AppReports NONE = new AppReports() {
        @Override
        public void decided(String app, String summary) {
        }

        @Override
        public void atRisk(String app, Double predictedMs, Double observedMs, String why) {
        }

        @Override
        public void met(String app, Double predictedMs, Double observedMs) {
        }

        @Override
        public void unplaced(String app, String why) {
        }
    };

    /** A decision about the app (placed, moved, held, dry run, no target), in one line. */
    void decided(String app, String summary);

    void atRisk(String app, Double predictedMs, Double observedMs, String why);

    void met(String app, Double predictedMs, Double observedMs);

    /** No accelerator takes the app that runs nowhere yet; the controller tries again later. */
    void unplaced(String app, String why);
}
