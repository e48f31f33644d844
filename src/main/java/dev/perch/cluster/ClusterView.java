package dev.perch.cluster;

import java.util.Optional;
import java.util.OptionalDouble;

/** The brain's read port: what the cluster looks like now. */
public interface ClusterView {
    ClusterSnapshot snapshot();

    /**
     * One app as the cluster shows it now. The controller reads one app after each step it applies;
     * a view that can answer without a whole snapshot (10,000 apps) should.
     */
    default Optional<RunningApp> app(String app) {
        return snapshot().app(app);
    }

    /**
     * A number that changes whenever {@link #snapshot} would show something else, so that a reader
     * may keep what it built from the last one; negative when the view cannot tell (then readers
     * read afresh every time).
     */
    default long version() {
        return -1;
    }

    /**
     * The resident memory of {@code app}'s backend as the cluster measures it (on Kubernetes, the
     * metrics API), in MiB; empty where the cluster does not measure it. Read when a probation
     * ends and the app's telemetry carried no {@code memoryMb}.
     */
    default OptionalDouble residentMemoryMb(String app) {
        return OptionalDouble.empty();
    }
}
