package io.crm.feed;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import io.crm.record.RecordException;

/**
 * The {@code types} parameter of the feed: comma-separated exact types ({@code contact.created},
 * {@code deal.stage_changed}, {@code ping}) and wildcards of one object type ({@code contact.*}).
 *
 * @param exact       exact types asked for
 * @param objectTypes object types asked for with a wildcard (the part before {@code .*})
 */
record FeedTypes(Set<String> exact, Set<String> objectTypes) {

    /** More than this many entries is refused: a client never needs more than the list of types. */
    static final int MAX_ENTRIES = 50;

    /** {@code object.action}, or {@code ping}: the one type without an object (a bare {@code contact} is a 400). */
    private static final Pattern EXACT = Pattern.compile("[a-z][a-z_]*\\.[a-z][a-z_]*|ping");
    private static final Pattern WORD = Pattern.compile("[a-z][a-z_]*");
    private static final Pattern WILDCARD = Pattern.compile("([a-z][a-z_]*)\\.\\*");

    static final FeedTypes ALL = new FeedTypes(Set.of(), Set.of());

    boolean all() {
        return exact.isEmpty() && objectTypes.isEmpty();
    }

    /** Parses the parameter; absent or blank means every type; anything else malformed is a 400. */
    static FeedTypes parse(String types) {
        if (types == null || types.isBlank()) {
            return ALL;
        }
        List<String> entries = List.of(types.split(",", -1));
        if (entries.size() > MAX_ENTRIES) {
            throw new RecordException.BadQuery("types takes at most " + MAX_ENTRIES + " entries");
        }
        Set<String> exact = new LinkedHashSet<>();
        Set<String> objectTypes = new LinkedHashSet<>();
        for (String raw : entries) {
            String entry = raw.strip();
            var wildcard = WILDCARD.matcher(entry);
            if (wildcard.matches()) {
                objectTypes.add(wildcard.group(1));
            } else if (EXACT.matcher(entry).matches()) {
                exact.add(entry);
            } else {
                throw new RecordException.BadQuery("types takes comma-separated event types (contact.created) and "
                        + "wildcards of one object type (contact.*), not '" + shorten(entry) + "'"
                        + (WORD.matcher(entry).matches() ? " (all of its events: " + entry + ".*)" : ""));
            }
        }
        return new FeedTypes(Set.copyOf(exact), Set.copyOf(objectTypes));
    }

    private static String shorten(String entry) {
        return entry.length() > 40 ? entry.substring(0, 40) + "..." : entry;
    }
}
