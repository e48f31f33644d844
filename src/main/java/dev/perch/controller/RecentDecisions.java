package dev.perch.controller;

import dev.perch.telemetry.DecisionRecord;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last {@link #CAPACITY} decisions of this replica, newest first, for the live view; the full
 * history is the {@code perch.decisions.v1} topic.
 */
public final class RecentDecisions {
    public static final int CAPACITY = 200;

    private final Deque<DecisionRecord> newestFirst = new ArrayDeque<>();

    public synchronized void add(DecisionRecord decision) {
        newestFirst.addFirst(decision);
        if (newestFirst.size() > CAPACITY) {
            newestFirst.removeLast();
        }
    }

    /** At most {@code limit} decisions, newest first. */
    public synchronized List<DecisionRecord> latest(int limit) {
        List<DecisionRecord> result = new ArrayList<>(Math.min(limit, newestFirst.size()));
        for (DecisionRecord decision : newestFirst) {
            if (result.size() == limit) {
                break;
            }
            result.add(decision);
        }
        return result;
    }
}
