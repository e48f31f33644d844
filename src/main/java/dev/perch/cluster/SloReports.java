package dev.perch.cluster;

/**
 * Where the controller tells an app's owner how its SLO fares: at risk (an alert, with the predicted
 * and observed statistic and why), or met again. Implementations write only on a change, so calling
 * this for every prediction window costs nothing when nothing changes.
 */
public interface SloReports {
    SloReports NONE = new SloReports() {
        @Override
        public void atRisk(String app, Double predictedMs, Double observedMs, String why) {
        }

        @Override
        public void met(String app, Double predictedMs, Double observedMs) {
        }
    };

    void atRisk(String app, Double predictedMs, Double observedMs, String why);

    void met(String app, Double predictedMs, Double observedMs);
}
