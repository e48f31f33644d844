package dev.perch.controller.history;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Time series of many keys in one bounded ring, as parallel primitive arrays (struct of arrays): per
 * point a time, a few float channels and one int tag, and no object. Every key keeps at most one
 * point per second (a later point of the same second replaces it; an earlier one is dropped) and at
 * most {@code perKeyMax} points; the ring holds at most {@code maxSlots}. When full, the next point
 * takes the slot of the oldest point written, whatever its key: that slot is always the oldest point
 * of its key, so each key's points form a chain (oldest to newest) through {@code next}, and both
 * bounds cost O(1) per point. The arrays grow by doubling up to {@code maxSlots} and never shrink.
 * <p>
 * Not thread-safe: {@link LiveHistory} guards it.
 */
final class SeriesRing {
    private static final int INITIAL_SLOTS = 1024;
    private static final int NONE = -1;

    /** One key's chain; one object per key, not per point. */
    private static final class Series {
        final String key;
        final int index;
        int head = NONE;
        int tail = NONE;
        int count;
        long lastAtMs;

        Series(String key, int index) {
            this.key = key;
            this.index = index;
        }
    }

    private final int maxSlots;
    private final int perKeyMax;
    private long[] atMs;
    private final float[][] channels;
    private int[] tags;
    /** The series index of each slot's point; NONE for a slot whose point is gone. */
    private int[] seriesOf;
    private int[] next;
    private int used;
    private int write;
    private boolean wrapped;
    private int live;

    private final Map<String, Series> byKey = new HashMap<>();
    private final List<Series> byIndex = new ArrayList<>();
    private final ArrayDeque<Integer> freeIndices = new ArrayDeque<>();

    SeriesRing(int maxSlots, int perKeyMax, int channelCount) {
        if (maxSlots < 1 || perKeyMax < 1) {
            throw new IllegalArgumentException("a history holds at least one point, got " + maxSlots + " and " + perKeyMax);
        }
        this.maxSlots = maxSlots;
        this.perKeyMax = perKeyMax;
        int initial = Math.min(maxSlots, INITIAL_SLOTS);
        atMs = new long[initial];
        channels = new float[channelCount][initial];
        tags = new int[initial];
        seriesOf = new int[initial];
        next = new int[initial];
    }

    /**
     * The slot to write the point of {@code key} at {@code pointAtMs} into (its channels then set with
     * {@link #set}), or -1 when the point is older than the key's last and is dropped. A point in the
     * same second as the key's last replaces it, in its slot.
     */
    int append(String key, long pointAtMs, int tag) {
        Series series = byKey.get(key);
        if (series != null && series.count > 0) {
            if (pointAtMs < series.lastAtMs) {
                return NONE;
            }
            if (Math.floorDiv(pointAtMs, 1000L) == Math.floorDiv(series.lastAtMs, 1000L)) {
                int slot = series.tail;
                atMs[slot] = pointAtMs;
                tags[slot] = tag;
                series.lastAtMs = pointAtMs;
                return slot;
            }
        }
        int slot = claimSlot(); // may evict this key's own last point, and with it the series
        series = byKey.get(key);
        if (series == null) {
            series = newSeries(key);
        }
        if (series.count == perKeyMax) {
            int oldest = series.head;
            series.head = next[oldest];
            series.count--;
            seriesOf[oldest] = NONE; // its slot stays taken until the ring comes round to it
            live--;
        }
        atMs[slot] = pointAtMs;
        tags[slot] = tag;
        seriesOf[slot] = series.index;
        next[slot] = NONE;
        if (series.tail == NONE || series.count == 0) {
            series.head = slot;
        } else {
            next[series.tail] = slot;
        }
        series.tail = slot;
        series.count++;
        series.lastAtMs = pointAtMs;
        live++;
        return slot;
    }

    void set(int slot, int channel, Double value) {
        channels[channel][slot] = value == null ? Float.NaN : value.floatValue();
    }

    long atMs(int slot) {
        return atMs[slot];
    }

    int tag(int slot) {
        return tags[slot];
    }

    /** The channel's value at the slot as written (to a float's precision), or null where none was. */
    Double value(int slot, int channel) {
        float value = channels[channel][slot];
        // Through the float's shortest decimal form, so that 103.7 reads 103.7 and not 103.69999694824219.
        return Float.isNaN(value) ? null : Double.parseDouble(Float.toString(value));
    }

    /** The slots of the key's points from {@code fromMs} to {@code toMs} inclusive, oldest first. */
    int[] slots(String key, long fromMs, long toMs) {
        Series series = byKey.get(key);
        if (series == null) {
            return new int[0];
        }
        int[] found = new int[series.count];
        int n = 0;
        for (int slot = series.head, left = series.count; left > 0; slot = next[slot], left--) {
            if (atMs[slot] >= fromMs && atMs[slot] <= toMs) {
                found[n++] = slot;
            }
        }
        return Arrays.copyOf(found, n);
    }

    boolean has(String key) {
        return byKey.containsKey(key);
    }

    /** Points held, over all keys. */
    int size() {
        return live;
    }

    /** Slots the arrays have room for now (grows up to the bound). */
    int capacity() {
        return atMs.length;
    }

    private Series newSeries(String key) {
        Integer free = freeIndices.poll();
        Series series = new Series(key, free == null ? byIndex.size() : free);
        if (free == null) {
            byIndex.add(series);
        } else {
            byIndex.set(free, series);
        }
        byKey.put(key, series);
        return series;
    }

    private int claimSlot() {
        if (!wrapped) {
            if (used == atMs.length && used < maxSlots) {
                grow((int) Math.min(maxSlots, 2L * atMs.length));
            }
            if (used < atMs.length) {
                return used++;
            }
            wrapped = true;
        }
        int slot = write;
        write = write + 1 == maxSlots ? 0 : write + 1;
        evict(slot);
        return slot;
    }

    /** Frees the slot: the ring's oldest, so the oldest point of its key when it has one. */
    private void evict(int slot) {
        int index = seriesOf[slot];
        if (index == NONE) {
            return;
        }
        Series series = byIndex.get(index);
        if (series.head != slot) {
            throw new IllegalStateException("history ring out of order at slot " + slot);
        }
        series.head = next[slot];
        series.count--;
        seriesOf[slot] = NONE;
        live--;
        if (series.count == 0) {
            byKey.remove(series.key);
            byIndex.set(index, null);
            freeIndices.push(index);
        }
    }

    private void grow(int slots) {
        atMs = Arrays.copyOf(atMs, slots);
        for (int c = 0; c < channels.length; c++) {
            channels[c] = Arrays.copyOf(channels[c], slots);
        }
        tags = Arrays.copyOf(tags, slots);
        seriesOf = Arrays.copyOf(seriesOf, slots);
        next = Arrays.copyOf(next, slots);
    }
}
