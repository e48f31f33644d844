package dev.perch.runtime;

import dev.perch.model.profile.LearnedProfile;
import dev.perch.telemetry.Samples;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code demo} prints on stdout when it ends: counts of records, the apps on an accelerator at
 * the end ({@code appsPlaced}, as the simulated cluster has them), and the simulator's verdict over
 * each app's own SLO window: the app-seconds judged (each with a full window on the app's current
 * accelerator behind it), those over the SLO ({@code violationSeconds}), the share within it
 * ({@code windowCompliance}, overall and for the app that did worst; null where nothing was judged),
 * apps in violation at the end,
 * and alerts raised again sooner than one window after they were resolved ({@code alertFlaps}). Per
 * app, the same and the first impending alert and first violation (simulated seconds, null when none),
 * and {@code learnedProfile}, the profile Perch learned from the app on probation (null for an app it
 * learned none from).
 * {@code telemetry} says how telemetry reached Kafka ({@code direct} from the simulator, or
 * {@code agent} through the node agents), and {@code telemetryRecords} counts what was published that way.
 * {@code reportsCounted} is the topology's own count of the reports it admitted, once per app,
 * accelerator and window, when it had caught up with the telemetry at the end (null when it did not
 * within {@link DemoDriver}'s wait): it is kept with the topology's state, so on a kept
 * {@code --data-dir} it counts the earlier runs' reports too.
 * {@code maxTelemetryLagSec} is the largest delay over the run, in wall-clock seconds, between a
 * window's end (when the demo's schedule has its reports out; in lock-step, when the simulator has
 * them) and the topology having committed past its reports ({@link TelemetryLag}); null when no
 * window was published.
 */
public record DemoSummary(String scenario, String policy, long seed, String telemetry, double simulatedSec, long telemetryRecords,
                          Long reportsCounted,
                          long alerts,
                          long decisions, long appsPlaced, long appsInViolationAtEnd, long judgedAppSeconds,
                          long violationSeconds, Double windowCompliance, Double worstAppWindowCompliance,
                          long alertFlaps, Double maxTelemetryLagSec, List<AppSummary> apps) {
    public record AppSummary(String app, String accelerator, int sloWindowSec, Double firstImpendingAlertSec,
                             Double firstViolationSec, long judgedSeconds, long violationSeconds,
                             Double windowCompliance, long alertFlaps, LearnedProfileSummary learnedProfile) {
    }

    /**
     * The lowest compliance of the apps that were judged; null when none was. An app never judged
     * (placed nowhere, or never for a whole window on one accelerator) has no compliance: counting
     * it as 1 would let an app that was never served look like one that kept its SLO.
     */
    static Double worstCompliance(List<AppSummary> apps) {
        return apps.stream().map(AppSummary::windowCompliance).filter(java.util.Objects::nonNull)
                .min(Double::compare).orElse(null);
    }

    /**
     * A profile Perch learned online from an app's telemetry on probation, as its catalog keeps it:
     * the accelerator type it was learned on, the figures (ms, MiB; rounded to 0.001) and the
     * provenance ({@code source}: "learned online from APP on ACCELERATOR, N requests, DATE").
     */
    public record LearnedProfileSummary(String acceleratorType, double serviceMs, double swapMs, double memoryMb,
                                        String source) {
        static LearnedProfileSummary of(LearnedProfile learned) {
            return new LearnedProfileSummary(learned.type().id(), Samples.round(learned.serviceMs()),
                    Samples.round(learned.swapMs()), Samples.round(learned.memoryMb()), learned.source());
        }
    }

    /**
     * The profile learned from each app, from the profiles kept in the order kept: an app that taught
     * Perch more than one (another accelerator type, or the same again) shows the last.
     */
    static Map<String, LearnedProfileSummary> learnedByApp(List<LearnedProfile> kept) {
        Map<String, LearnedProfileSummary> byApp = new LinkedHashMap<>();
        for (LearnedProfile learned : kept) {
            byApp.put(learned.app(), LearnedProfileSummary.of(learned));
        }
        return byApp;
    }
}
