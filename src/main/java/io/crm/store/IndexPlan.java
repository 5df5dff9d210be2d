package io.crm.store;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeSet;
import java.util.function.BiFunction;

import org.h2.mvstore.Cursor;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;

/**
 * How a query uses a {@link SecondaryIndex}, the rule of MongoDB's planner that the service's queries are written for
 * (BENCHMARKS.md "Index coverage"): the index's leading keys bound by equality (or {@code $in}), then its next keys
 * matching the sort (all in the index's direction or all reversed); everything else in the filter is applied to each
 * document found.
 *
 * <ul>
 *   <li>A <b>walk</b> (the query has a sort the index gives, each bound key has one value, no sort key is multikey,
 *   and with no bound key the index is not sparse so it holds every document): the index range is read in order and
 *   documents come out already sorted, so a page stops after {@code skip + limit} matches. Entries with equal
 *   bound and sort values are taken as a group and emitted in the data map's order, which is the order the plain
 *   scan's stable sort leaves equal documents in.</li>
 *   <li>A <b>collect</b> (some leading keys bound, no usable sort): the positions in the bound ranges (every
 *   combination of the {@code $in} values) are gathered, put in the data map's order, and those documents alone
 *   go through the plain path's filter, sort, skip and limit: the same answer, reading only the candidates.</li>
 * </ul>
 * Preference: a walk with a bound key, else the collect binding the most keys, else a walk of the sort alone; no
 * plan (the scan) when no index has its first key bound or gives the sort. Beyond MongoDB's rule, what only index
 * entries decide is decided there: a regular expression on a key of the index is tested on each entry before its
 * document is read (a rare search term), a collect keeps only the candidates that other indexes binding other
 * equalities also hold, and a walk that reads thousands of documents without filling its page gives way to that
 * collect.
 */
final class IndexPlan {

    /**
     * At most this many combinations of {@code $in} values are read as ranges (a few microseconds each); an index
     * whose first key alone has more is not used.
     */
    private static final int MAX_RANGES = 10_000;
    /**
     * A walk reads the index range of each combination of its bound values at once, merging them in the sort's order
     * (MongoDB's SORT_MERGE): at most this many ranges. Before, any {@code $in} made a collect that read and sorted
     * every candidate for one page (the webhook dispatcher's due deliveries: the whole backlog, every 20 ms).
     */
    private static final int MAX_MERGED = 64;

    private final SecondaryIndex index;
    private final List<List<Object>> bound;
    /** A range on the key after the bound ones (a collect only), or null. */
    private final Range range;
    /** Further bounds of the same index whose candidates the collect's are intersected with (other elements). */
    private List<List<List<Object>>> intersected = List.of();
    /**
     * Collects on other indexes that bind equalities this one does not (a custom property's index and the stage's):
     * the candidates are those in every one, found from index entries before any document is read.
     */
    private List<IndexPlan> narrowing = List.of();
    /**
     * For a walk: the collect of the same query (narrowed by other indexes) that answers instead when the walk reads
     * too many documents that do not match (no match among thousands): it reads only candidates in every index.
     */
    private IndexPlan fallback;
    /** At most this many other indexes narrow a collect. */
    private static final int MAX_NARROWING = 2;
    /** Candidates this few are read as they are. */
    private static final int FEW = 64;
    /** The entries a narrowing may read per candidate it may remove. */
    private static final long ENTRIES_PER_CANDIDATE = 8;
    private final List<String> sortFields;
    private final boolean walk;
    private final boolean reverse;
    /**
     * The regular expressions of the filter on keys of this index (key position, expression): an entry whose value
     * there is null, or a string the expression does not find, belongs to no matching document, so its document is
     * never read (a rare search term walks index entries, not documents).
     */
    private List<Map.Entry<Integer, BsonRegularExpression>> entryRegexes = List.of();

    private IndexPlan(SecondaryIndex index, List<List<Object>> bound, List<String> sortFields, boolean walk,
            boolean reverse) {
        this(index, bound, null, sortFields, walk, reverse);
    }

    private IndexPlan(SecondaryIndex index, List<List<Object>> bound, Range range, List<String> sortFields,
            boolean walk, boolean reverse) {
        this.index = index;
        this.bound = bound;
        this.range = range;
        this.sortFields = sortFields;
        this.walk = walk;
        this.reverse = reverse;
    }

    boolean walk() {
        return walk;
    }

    /** A walk's collect to answer with when the walk gives up, or null. */
    IndexPlan fallback() {
        return fallback;
    }

    /** The plan for a query, or null when none of the indexes serves it. */
    static IndexPlan choose(List<Index<Object>> indexes, Document query, Document orderBy) {
        List<String> sortFields = new ArrayList<>();
        List<Boolean> sortAscending = new ArrayList<>();
        if (orderBy != null) {
            for (Map.Entry<String, Object> entry : orderBy.entrySet()) {
                if (entry.getKey().startsWith("$") || !(entry.getValue() instanceof Number direction)
                        || direction.doubleValue() == 0) {
                    return null; // $natural, $meta and the like: the scan knows them
                }
                sortFields.add(entry.getKey());
                sortAscending.add(direction.doubleValue() > 0);
            }
        }
        Map<String, List<Object>> equalities = KeyLookup.equalities(query);
        Map<String, Document> ranges = KeyLookup.ranges(query);
        Map<String, BsonRegularExpression> regexes = KeyLookup.regexes(query);
        IndexPlan boundWalk = null;
        IndexPlan collect = null;
        IndexPlan sortWalk = null;
        List<IndexPlan> collects = new ArrayList<>();
        for (Index<Object> candidate : indexes) {
            if (!(candidate instanceof SecondaryIndex index) || index.pending()) {
                continue;
            }
            List<String> fields = index.fields();
            List<List<Object>> values = new ArrayList<>();
            long combinations = 1;
            while (values.size() < fields.size() && equalities.containsKey(fields.get(values.size()))) {
                List<Object> normalized = equalities.get(fields.get(values.size())).stream()
                        .map(SecondaryIndex::normalized).distinct().toList();
                if (!values.isEmpty() && combinations * normalized.size() > MAX_RANGES) {
                    // the keys bound so far, each range read whole: the filter decides this key (a batch of 500
                    // webhook chains, each with two statuses, scanned the whole delivery queue)
                    break;
                }
                combinations *= normalized.size();
                values.add(normalized);
            }
            int p = values.size();
            Boolean reverse = sortFields.isEmpty() ? null : walkDirection(index, p, sortFields, sortAscending);
            if (reverse != null && combinations <= MAX_MERGED) {
                // a range on the first sort key bounds the walk's reads (the filter still decides its ends)
                IndexPlan plan = new IndexPlan(index, values, Range.of(ranges.get(fields.get(p))), sortFields, true,
                        reverse).filtering(regexes);
                // of two walks binding as many keys, the one that reads fewer documents: it tests more on entries
                if (p > 0 && (boundWalk == null || p > boundWalk.bound.size()
                        || p == boundWalk.bound.size() && plan.filters() > boundWalk.filters())) {
                    boundWalk = plan;
                } else if (p == 0 && !index.sparse() && (sortWalk == null || plan.filters() > sortWalk.filters())) {
                    sortWalk = plan;
                }
            }
            Range range = p < fields.size() ? Range.of(ranges.get(fields.get(p))) : null;
            if (p > 0 && combinations <= MAX_RANGES) {
                collects.add(new IndexPlan(index, values, sortFields, false, false));
            }
            if ((p > 0 || range != null) && combinations <= MAX_RANGES
                    && (collect == null || score(p, range) > score(collect.bound.size(), collect.range))) {
                collect = new IndexPlan(index, values, range, sortFields, false, false).filtering(regexes);
            }
        }
        if (boundWalk == null && collect != null && collect.range == null) {
            collect.intersectOtherElements(query);
        }
        if (collect != null) {
            collect.narrowBy(collects);
        }
        if (boundWalk != null && collect != null && collect.index != boundWalk.index) {
            boundWalk.fallback = collect;
        }
        return boundWalk != null ? boundWalk : collect != null ? collect : sortWalk;
    }

    /**
     * Two {@code $elemMatch} conditions on one array (two custom properties: {@code _crm.props} {k, v} each) bind
     * the same index twice: a record has entries for both, so the candidates are those in both ranges.
     */
    private void intersectOtherElements(Document query) {
        List<List<List<Object>>> more = new ArrayList<>();
        List<String> fields = index.fields();
        for (Map<String, List<Object>> other : KeyLookup.otherElementEqualities(query)) {
            List<List<Object>> values = new ArrayList<>();
            while (values.size() < fields.size() && other.containsKey(fields.get(values.size()))) {
                values.add(other.get(fields.get(values.size())).stream().map(SecondaryIndex::normalized).distinct()
                        .toList());
            }
            // only a bound as narrow as the collect's own, on other values
            if (values.size() >= bound.size() && !values.subList(0, bound.size()).equals(bound)
                    && values.stream().mapToLong(List::size).reduce(1, (a, b) -> a * b) <= MAX_RANGES) {
                more.add(values);
            }
        }
        intersected = more;
    }

    /** Tests the filter's expressions on the keys of this index past the bound ones that are never arrays. */
    private IndexPlan filtering(Map<String, BsonRegularExpression> regexes) {
        List<Map.Entry<Integer, BsonRegularExpression>> tested = new ArrayList<>();
        List<String> fields = index.fields();
        for (int i = bound.size(); i < fields.size(); i++) {
            BsonRegularExpression regex = regexes.get(fields.get(i));
            if (regex != null && !index.multikey(i)) {
                tested.add(Map.entry(i, regex));
            }
        }
        entryRegexes = List.copyOf(tested);
        return this;
    }

    private int filters() {
        return entryRegexes.size();
    }

    /**
     * The documents that may match a tested literal term (an expression without metacharacters, {@code q}), found
     * in the index's {@link TextColumn} for its key, in the data map's order; null when no term is tested that way or
     * each is in more than {@code most} documents (a common term fills a walk's page after a few entries). The
     * column holds the key for every document of the index, whatever its bound values: the filter decides those.
     */
    List<Object> termCandidates(int most) {
        for (Map.Entry<Integer, BsonRegularExpression> tested : entryRegexes) {
            String term = TextColumn.literal(tested.getValue());
            TextColumn column = term == null ? null : index.column(tested.getKey());
            List<Object> found = column == null ? null : column.find(term, most);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    /**
     * Whether an entry may belong to a matching document: no tested expression fails on its value. As
     * mongo-java-server's filter: a null or missing value never matches, a string is matched as it is; any other
     * value is matched by its text there (a number's differs from its normalized entry's), so the document decides.
     */
    private boolean mayMatch(Object[] entry) {
        for (Map.Entry<Integer, BsonRegularExpression> tested : entryRegexes) {
            Object value = entry[tested.getKey()];
            if (value == null || value instanceof String text && !tested.getValue().matcher(text).find()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Chooses the other collects that bind a field this one does not, those binding the most keys first: each has
     * every matching document among its candidates, so the candidates in all of them are enough.
     */
    private void narrowBy(List<IndexPlan> others) {
        java.util.Set<String> covered = new java.util.HashSet<>(index.fields().subList(0, bound.size()));
        List<IndexPlan> chosen = new ArrayList<>();
        others.stream().sorted(java.util.Comparator.comparingInt((IndexPlan o) -> o.bound.size()).reversed())
                .forEach(other -> {
                    List<String> bound = other.index.fields().subList(0, other.bound.size());
                    if (chosen.size() < MAX_NARROWING && other.index != index && !covered.containsAll(bound)) {
                        covered.addAll(bound);
                        chosen.add(other);
                    }
                });
        narrowing = List.copyOf(chosen);
    }

    /** A collect binding more keys reads fewer candidates; a range on the next key narrows it further. */
    private static int score(int bound, Range range) {
        return 2 * bound + (range != null ? 1 : 0);
    }

    /**
     * A range of one key's normalized values, each end open (null) or given; both ends are read inclusively, since
     * normalizing (a decimal or a large long to a double) may make a value that is beyond an exclusive end equal to
     * it. The entries in it hold every document that matches: the filter decides the ends, values of other types
     * inside it, and everything else.
     */
    record Range(Object low, Object high) {

        boolean empty() {
            // normalizing keeps the order (it rounds monotonically), so ends out of order here are out of order
            return low != null && high != null && SecondaryIndex.EntryOrder.value(low, high) > 0;
        }

        static Range of(Document operators) {
            if (operators == null) {
                return null;
            }
            Object low = null;
            Object high = null;
            for (Map.Entry<String, Object> operator : operators.entrySet()) {
                Object value = SecondaryIndex.normalized(operator.getValue());
                if (operator.getKey().startsWith("$gt")) {
                    low = value;
                } else {
                    high = value;
                }
            }
            return new Range(low, high);
        }
    }

    /**
     * Null when the index's keys after the {@code p} bound ones do not give the sort; else whether to walk it
     * backwards.
     */
    private static Boolean walkDirection(SecondaryIndex index, int p, List<String> sortFields,
            List<Boolean> sortAscending) {
        List<IndexKey> keys = index.getKeys();
        if (p + sortFields.size() > keys.size()) {
            return null;
        }
        Boolean reverse = null;
        for (int i = 0; i < sortFields.size(); i++) {
            IndexKey key = keys.get(p + i);
            if (!key.getKey().equals(sortFields.get(i)) || index.multikey(p + i)) {
                return null;
            }
            boolean against = key.isAscending() != sortAscending.get(i);
            if (reverse != null && reverse != against) {
                return null;
            }
            reverse = against;
        }
        return reverse;
    }

    /** The positions of the candidates, each once, in the data map's order. */
    List<Object> collectPositions() {
        TreeSet<Object> positions = positionsOf(bound);
        for (List<List<Object>> other : intersected) {
            positions.retainAll(positionsOf(other));
        }
        for (IndexPlan other : narrowing) {
            if (positions.size() <= FEW) {
                break; // reading these few documents costs less than walking another index
            }
            // an index entry costs a fraction of a document: a narrowing that reads more entries than this is
            // abandoned (the candidates stay as they are)
            TreeSet<Object> also = other.positionsOf(other.bound, ENTRIES_PER_CANDIDATE * positions.size());
            if (also != null) {
                positions.retainAll(also);
            }
        }
        return new ArrayList<>(positions);
    }

    private TreeSet<Object> positionsOf(List<List<Object>> bound) {
        return positionsOf(bound, Long.MAX_VALUE);
    }

    /** As {@link #positionsOf(List)}, or null once more than {@code most} entries were read. */
    private TreeSet<Object> positionsOf(List<List<Object>> bound, long most) {
        TreeSet<Object> positions = new TreeSet<>(SecondaryIndex.EntryOrder::positions);
        int width = index.fields().size();
        long read = 0;
        for (Object[] prefix : combinations(bound)) {
            SecondaryIndex.Probe from = range == null || bound != this.bound ? low(prefix) : rangeStart(prefix);
            SecondaryIndex.Probe to = range == null || bound != this.bound ? high(prefix) : rangeEnd(prefix);
            if (range != null && range.empty()) {
                break; // $gt 5 and $lt 3: nothing in any combination
            }
            Cursor<Object, Boolean> cursor = index.map().cursor(from, to, false);
            while (cursor.hasNext()) {
                if (++read > most) {
                    return null;
                }
                Object[] entry = (Object[]) cursor.next();
                if (mayMatch(entry)) {
                    positions.add(entry[width]);
                }
            }
        }
        return positions;
    }

    private static List<Object[]> combinations(List<List<Object>> bound) {
        List<Object[]> combinations = new ArrayList<>();
        combinations.add(new Object[0]);
        for (List<Object> values : bound) {
            List<Object[]> longer = new ArrayList<>();
            for (Object[] prefix : combinations) {
                for (Object value : values) {
                    Object[] next = java.util.Arrays.copyOf(prefix, prefix.length + 1);
                    next[prefix.length] = value;
                    longer.add(next);
                }
            }
            combinations = longer;
        }
        return combinations;
    }

    /** One range of a walk: its cursor and the entry it is at (not yet taken). */
    private static final class Head {

        private final Cursor<Object, Boolean> cursor;
        private Object[] entry;

        Head(Cursor<Object, Boolean> cursor) {
            this.cursor = cursor;
        }

        /** Moves to the next entry; false at the end. */
        boolean advance() {
            entry = cursor.hasNext() ? (Object[]) cursor.next() : null;
            return entry != null;
        }
    }

    /**
     * The documents of the walk in the sort's order; {@code fetch} reads one (null when it is gone) and may refuse
     * it by throwing. With several combinations of bound values, their ranges are read side by side and merged by
     * the sort values.
     */
    Iterator<Document> walkPositions(BiFunction<Object, List<String>, Document> fetch) {
        int width = index.fields().size();
        int from = bound.size();
        int to = from + sortFields.size();
        SecondaryIndex.EntryOrder order = index.order();
        // the entries' sort values in the walk's direction
        java.util.Comparator<Object[]> bySort = reverse ? (x, y) -> order.compareValues(y, x, from, to)
                : (x, y) -> order.compareValues(x, y, from, to);
        java.util.PriorityQueue<Head> heads = new java.util.PriorityQueue<>(
                (a, b) -> bySort.compare(a.entry, b.entry));
        if (range == null || !range.empty()) {
            for (Object[] prefix : combinations(bound)) {
                SecondaryIndex.Probe start = range == null ? low(prefix) : rangeStart(prefix);
                SecondaryIndex.Probe end = range == null ? high(prefix) : rangeEnd(prefix);
                Head head = new Head(reverse ? index.map().cursor(end, start, true)
                        : index.map().cursor(start, end, false));
                if (head.advance()) {
                    heads.add(head);
                }
            }
        }
        return new Iterator<>() {

            private final List<Document> ready = new ArrayList<>();
            private int next;

            @Override
            public boolean hasNext() {
                while (next == ready.size()) {
                    if (heads.isEmpty()) {
                        return false;
                    }
                    fill();
                }
                return true;
            }

            /** Reads the next group of entries with equal sort values (of every range), in the data map's order. */
            private void fill() {
                ready.clear();
                next = 0;
                Object[] first = heads.peek().entry;
                TreeSet<Object> positions = new TreeSet<>(SecondaryIndex.EntryOrder::positions);
                while (!heads.isEmpty() && bySort.compare(heads.peek().entry, first) == 0) {
                    Head head = heads.poll();
                    boolean more;
                    do {
                        if (mayMatch(head.entry)) {
                            positions.add(head.entry[width]);
                        }
                        more = head.advance();
                    } while (more && bySort.compare(head.entry, first) == 0);
                    if (more) {
                        heads.add(head);
                    }
                }
                for (Object position : positions) {
                    ready.add(fetch.apply(position, sortFields));
                }
            }

            @Override
            public Document next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.get(next++);
            }
        };
    }

    /** Where the range starts in the map's order: its low end on an ascending key, its high end on a descending. */
    private SecondaryIndex.Probe rangeStart(Object[] prefix) {
        Object end = index.getKeys().get(prefix.length).isAscending() ? range.low() : range.high();
        return low(end == null ? prefix : with(prefix, end));
    }

    private SecondaryIndex.Probe rangeEnd(Object[] prefix) {
        Object end = index.getKeys().get(prefix.length).isAscending() ? range.high() : range.low();
        return high(end == null ? prefix : with(prefix, end));
    }

    private static Object[] with(Object[] prefix, Object value) {
        Object[] longer = java.util.Arrays.copyOf(prefix, prefix.length + 1);
        longer[prefix.length] = value;
        return longer;
    }

    private static SecondaryIndex.Probe low(Object[] prefix) {
        return new SecondaryIndex.Probe(prefix, false);
    }

    private static SecondaryIndex.Probe high(Object[] prefix) {
        return new SecondaryIndex.Probe(prefix, true);
    }

    @Override
    public String toString() {
        return (walk ? (reverse ? "reverse walk" : "walk") : "collect") + " of " + index.getName() + " " + bound
                + (range != null ? " " + range : "") + (entryRegexes.isEmpty() ? "" : " testing " + entryRegexes)
                + (narrowing.isEmpty() ? "" : " narrowed by " + narrowing);
    }
}
