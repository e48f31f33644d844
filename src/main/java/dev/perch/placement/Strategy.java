package dev.perch.placement;

import java.util.List;

/**
 * A placement strategy, built by {@link Strategies}: either {@link Online} — offered one app at a
 * time, it places it (and may move others to make room) or rejects it, as a controller does when
 * apps arrive — or {@link Batch} — given all apps at once, as the oracle that bounds the others.
 */
public sealed interface Strategy permits Strategy.Online, Strategy.Batch {
    String name();

    /** Offered one app at a time. */
    non-sealed interface Online extends Strategy {
        /**
         * Offers {@code app}, which runs nowhere yet. When the answer is {@link Offer.Placed},
         * {@code placement} has been changed to hold it (and any moves made for it); when
         * {@link Offer.Rejected}, it is as it was.
         */
        Offer offer(Placement placement, String app);
    }

    /** Given every app at once. */
    non-sealed interface Batch extends Strategy {
        /** Places as many of {@code apps} as it can on {@code placement} (whose other apps stay put). */
        void placeAll(Placement placement, List<String> apps);
    }

    /** The outcome of offering one app. */
    sealed interface Offer {
        /** Placed on {@code device}, after moving the already-placed apps {@code moved} to make room. */
        record Placed(String device, List<String> moved) implements Offer {
            public Placed {
                moved = List.copyOf(moved);
            }

            public int moves() {
                return moved.size();
            }
        }

        record Rejected(String reason) implements Offer {
        }
    }
}
