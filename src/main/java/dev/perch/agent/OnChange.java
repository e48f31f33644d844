package dev.perch.agent;

/**
 * A two-state condition (a target failing, a page with bad lines) that is logged when it changes and
 * not on every scrape: a server down for an hour is one line when it goes and one when it is back,
 * not three thousand.
 */
final class OnChange {
    private boolean on;
    private long times;

    /** Records one occurrence; true when it turns the condition on. */
    synchronized boolean on() {
        boolean changed = !on;
        if (changed) {
            times = 0;
        }
        times++;
        on = true;
        return changed;
    }

    /** True when it turns the condition off; {@link #times()} still says how often it occurred. */
    synchronized boolean off() {
        boolean changed = on;
        on = false;
        return changed;
    }

    synchronized boolean isOn() {
        return on;
    }

    /** Occurrences since the condition last turned on. */
    synchronized long times() {
        return times;
    }
}
