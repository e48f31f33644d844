package dev.perch.streams;

import java.util.AbstractList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An immutable list that shares its storage with the lists made from it by {@link #plus} (one
 * element more at the end) and {@link #dropFirst} (fewer at the start). An app's recent windows and
 * its SLO window's slots gain one element at the end and lose old ones at the start on every report;
 * copying them whole each time was a large share of a report's CPU (profiled).
 *
 * <p>Each list is a range of a buffer. {@code plus} writes into the buffer only past the furthest
 * end any list of that buffer has claimed, so no list ever sees its elements change; from a list
 * that is not the furthest (an older version, appended to again), or when the buffer is full, it
 * copies the range into a new buffer with a quarter more room (eight elements at least). So a list
 * that slides by one element per step costs one write per step and a copy every quarter of its
 * length. The elements a list has slid or dropped past stay in its buffer until a copy; so that a
 * sixty-slot SLO window of histograms does not hold many more than it uses, {@code dropFirst}
 * copies too when more than a quarter (or eight) would stay. The claim is an atomic
 * compare-and-set: two threads appending to the same list each get a list of their own.
 */
final class SharedList<T> extends AbstractList<T> implements RandomAccess {
    /** Room left past a copy's elements: at least this, and a quarter of them. */
    private static final int MIN_SPARE = 8;
    private static final SharedList<?> EMPTY = new SharedList<>(new Buffer(new Object[0], 0), 0, 0);

    /** The elements, and how far lists of them reach: past that, an element is nobody's yet. */
    private record Buffer(Object[] items, AtomicInteger claimed) {
        Buffer(Object[] items, int claimed) {
            this(items, new AtomicInteger(claimed));
        }
    }

    private final Buffer buffer;
    private final int start;
    private final int end;

    private SharedList(Buffer buffer, int start, int end) {
        this.buffer = buffer;
        this.start = start;
        this.end = end;
    }

    @SuppressWarnings("unchecked")
    static <T> SharedList<T> empty() {
        return (SharedList<T>) EMPTY;
    }

    /** {@code items} as a shared list: itself when it is one, else a copy (nulls refused, as {@link List#copyOf}). */
    @SuppressWarnings("unchecked")
    static <T> SharedList<T> copyOf(Collection<? extends T> items) {
        if (items instanceof SharedList<?> shared) {
            return (SharedList<T>) shared;
        }
        if (items.isEmpty()) {
            return empty();
        }
        Object[] array = items.toArray();
        for (Object item : array) {
            Objects.requireNonNull(item);
        }
        return new SharedList<>(new Buffer(array, array.length), 0, array.length);
    }

    /** This list with {@code item} after its last element. */
    SharedList<T> plus(T item) {
        Objects.requireNonNull(item);
        Object[] items = buffer.items();
        if (end < items.length && buffer.claimed().compareAndSet(end, end + 1)) {
            items[end] = item;
            return new SharedList<>(buffer, start, end + 1);
        }
        int size = size();
        Object[] copy = new Object[size + 1 + spare(size)];
        System.arraycopy(items, start, copy, 0, size);
        copy[size] = item;
        return new SharedList<>(new Buffer(copy, size + 1), 0, size + 1);
    }

    /** This list without its first {@code count} elements. */
    SharedList<T> dropFirst(int count) {
        if (count < 0 || count > size()) {
            throw new IndexOutOfBoundsException("drop " + count + " of " + size());
        }
        if (count == 0) {
            return this;
        }
        int size = size() - count;
        if (size == 0) {
            return empty();
        }
        int from = start + count;
        if (from <= spare(size) + 1) {
            return new SharedList<>(buffer, from, end);
        }
        // A list that shrank: its buffer would keep more dropped elements than it has room to spare.
        Object[] copy = new Object[size + spare(size)];
        System.arraycopy(buffer.items(), from, copy, 0, size);
        return new SharedList<>(new Buffer(copy, size), 0, size);
    }

    private static int spare(int size) {
        return Math.max(MIN_SPARE, size / 4);
    }

    /** Elements the buffer under this list has room for: what it holds, live or slid past. */
    int capacity() {
        return buffer.items().length;
    }

    /** Elements this list's buffer keeps before it: those it slid or dropped past. */
    int keptBefore() {
        return start;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T get(int index) {
        Objects.checkIndex(index, size());
        return (T) buffer.items()[start + index];
    }

    @Override
    public int size() {
        return end - start;
    }
}
