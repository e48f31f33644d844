package dev.perch.placement;

/**
 * A placement strategy: offered one app at a time, it places the app on a device of the cluster (and
 * may move others to make room) or rejects it. Strategies are plugins built by {@link Strategies}.
 */
public interface Strategy {
    String name();

    Offer offer(ClusterModel cluster, String app);

    /** The outcome of offering one app. */
    sealed interface Offer {
        /** Placed on {@code device}; {@code after} is the cluster with it (and any moves made for it). */
        record Placed(ClusterModel after, String device, int moves) implements Offer {
        }

        record Rejected(String reason) implements Offer {
        }
    }
}
