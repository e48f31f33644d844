package dev.perch.kubernetes;

import dev.perch.cluster.ActuationException;

/**
 * How Perch names and labels the Kubernetes objects it makes for an app. These names are what
 * operators see and what selectors match, and Deployment selectors cannot change once created, so
 * they are decided here once: every builder and every lookup reads them from this class.
 */
public final class ObjectNames {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String APP_LABEL = "perch.dev/app";
    public static final String ACCELERATOR_LABEL = "perch.dev/accelerator";
    /** The value of {@link #MANAGED_BY} on every object Perch makes. */
    static final String PERCH = "perch";
    /** The node label a Deployment's pods are pinned by. */
    static final String HOSTNAME = "kubernetes.io/hostname";

    private ObjectNames() {
    }

    /** The Deployment that runs {@code app} on {@code accelerator}: one per (app, accelerator), so a move has two. */
    static String deploymentName(String app, String accelerator) {
        return app + "-" + slug(accelerator);
    }

    /** An accelerator id as a label value and name part ({@code pi-1/tpu0} → {@code pi-1-tpu0}). */
    static String slug(String accelerator) {
        return accelerator.replace('/', '-');
    }

    /** The node an accelerator id names ({@code <node>/<device>}). */
    static String nodeOf(String accelerator) {
        int slash = accelerator.indexOf('/');
        if (slash <= 0) {
            throw new ActuationException("not an accelerator id: " + accelerator);
        }
        return accelerator.substring(0, slash);
    }
}
