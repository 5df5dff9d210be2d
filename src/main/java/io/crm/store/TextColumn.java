package io.crm.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;

/**
 * One key of a {@link SecondaryIndex} that queries test with a literal regular expression (the search text at the end
 * of the newest-first list indexes), held in memory as one long text, the values one after the other: a term is found
 * there with String's vectorized {@code indexOf}, a few milliseconds over 100,000 search texts, where testing it on
 * every index entry read 100,000 entries from the store's pages (a rare term: 260-320 ms at 8 connections,
 * BENCHMARKS.md). Never stored: the index builds it from its entries when a query first asks, and keeps it with every
 * write after that.
 *
 * <p>A value that is a string is found by what it contains; an array by any of its string elements. A value of
 * another type is <i>undecided</i>: mongo-java-server matches an expression against its text, so its document is
 * always a candidate and decides. A document without a value (null or missing) never matches an expression and is not
 * held. A value removed or replaced leaves its text behind, skipped, until the dead text outweighs the live.
 */
final class TextColumn {

    /** Between two values: a MongoDB regular expression is a C string, so no term holds a NUL and none spans two. */
    private static final char SEPARATOR = '\0';
    /** Dead text is dropped once it is more than the live text and at least this many characters. */
    private static final int COMPACT_AT = 1 << 16;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private StringBuilder text = new StringBuilder();
    /** Where each slot's value starts in {@link #text}, ascending. */
    private int[] starts = new int[16];
    /** Each slot's position, null once removed or replaced. */
    private Object[] positions = new Object[16];
    private int slots;
    private final Map<Object, Integer> slotOf = new HashMap<>();
    private final Set<Object> undecided = new HashSet<>();
    private long deadChars;

    /** The value of the document at {@code position} is now {@code value} (the document's, or an entry's). */
    void set(Object position, Object value) {
        Object key = Missing.ofNullable(position);
        lock.writeLock().lock();
        try {
            forget(key);
            String joined = joined(value);
            if (joined == null) {
                if (!(value instanceof Missing) && value != null) {
                    undecided.add(key);
                }
                return;
            }
            if (slots == starts.length) {
                starts = Arrays.copyOf(starts, slots * 2);
                positions = Arrays.copyOf(positions, slots * 2);
            }
            starts[slots] = text.length();
            positions[slots] = key;
            slotOf.put(key, slots++);
            text.append(joined).append(SEPARATOR);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** The document at {@code position} is gone. */
    void remove(Object position) {
        Object key = Missing.ofNullable(position);
        lock.writeLock().lock();
        try {
            forget(key);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void forget(Object key) {
        undecided.remove(key);
        Integer slot = slotOf.remove(key);
        if (slot == null) {
            return;
        }
        positions[slot] = null;
        deadChars += end(slot) - starts[slot];
        if (deadChars > COMPACT_AT && deadChars > text.length() / 2) {
            compact();
        }
    }

    private int end(int slot) {
        return slot + 1 < slots ? starts[slot + 1] : text.length();
    }

    private void compact() {
        StringBuilder live = new StringBuilder(text.length() - (int) deadChars + 16);
        int kept = 0;
        for (int slot = 0; slot < slots; slot++) {
            if (positions[slot] == null) {
                continue;
            }
            int start = live.length();
            live.append(text, starts[slot], end(slot));
            starts[kept] = start;
            positions[kept] = positions[slot];
            slotOf.put(positions[kept], kept);
            kept++;
        }
        Arrays.fill(positions, kept, slots, null);
        slots = kept;
        text = live;
        deadChars = 0;
    }

    /** A string as it is; the string elements of an array (others undecided, see {@link #set}); else null. */
    private static String joined(Object value) {
        if (value instanceof String string) {
            return string.indexOf(SEPARATOR) < 0 ? string : null;
        }
        if (value instanceof Collection<?> elements && !elements.isEmpty()
                && elements.stream().allMatch(element -> element instanceof String s && s.indexOf(SEPARATOR) < 0)) {
            return String.join(String.valueOf(SEPARATOR), elements.stream().map(String.class::cast).toList());
        }
        return null;
    }

    /**
     * The positions whose value contains {@code term}, with every undecided one, in the data map's order; null when
     * there are more than {@code most} (then the caller reads in another way, and the search stops there).
     */
    List<Object> find(String term, int most) {
        lock.readLock().lock();
        try {
            if (undecided.size() > most) {
                return null;
            }
            TreeSet<Object> found = new TreeSet<>(SecondaryIndex.EntryOrder::positions);
            found.addAll(undecided);
            int from = 0;
            while (true) {
                int at = text.indexOf(term, from);
                if (at < 0) {
                    break;
                }
                int slot = slotAt(at);
                if (positions[slot] != null && found.add(positions[slot]) && found.size() > most) {
                    return null;
                }
                from = end(slot);
            }
            return new ArrayList<>(found);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The slot whose value holds offset {@code at}. */
    private int slotAt(int at) {
        int i = Arrays.binarySearch(starts, 0, slots, at);
        return i >= 0 ? i : -i - 2;
    }

    /** Values held (live slots), for tests. */
    int size() {
        lock.readLock().lock();
        try {
            return slotOf.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Takes the write lock for a build: writes of the index wait for it, then apply theirs over what it read. */
    void lockForBuild() {
        lock.writeLock().lock();
    }

    void unlockAfterBuild() {
        lock.writeLock().unlock();
    }

    /**
     * The literal text a regular expression finds, when it is one: {@code \Q...\E} (what {@code Pattern.quote}
     * gives) or a pattern without any of the metacharacters, with no option that changes what a literal matches;
     * else null.
     */
    static String literal(BsonRegularExpression regex) {
        String options = regex.getOptions();
        if (options != null && !options.chars().allMatch(option -> option == 'm' || option == 's')) {
            return null; // case-insensitive, extended, ...: not a plain substring
        }
        String pattern = regex.getPattern();
        String literal;
        if (pattern.startsWith("\\Q") && pattern.endsWith("\\E") && pattern.indexOf("\\E") == pattern.length() - 2
                && pattern.length() >= 4) {
            literal = pattern.substring(2, pattern.length() - 2);
        } else if (pattern.chars().noneMatch(c -> METACHARACTERS.indexOf(c) >= 0)) {
            literal = pattern;
        } else {
            return null;
        }
        return literal.isEmpty() || literal.indexOf(SEPARATOR) >= 0 ? null : literal;
    }

    private static final String METACHARACTERS = "\\^$.|?*+()[]{}";
}
