package io.crm.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.mongodb.MongoExecutionTimeoutException;
import io.crm.record.Cursor;
import io.crm.record.FieldError;
import io.crm.record.RecordException;
import io.crm.record.RecordStore;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Runs a planned search: one page in keyset order and the total (counted up to {@link #TOTAL_CAP} + 1, so a huge
 * match costs a bounded count), both under the time limit; a timeout is a 503, never a partial answer. The queries
 * themselves go through {@link Queries}, so this is plain Java.
 */
public final class SearchExecutor {

    /** {@code total} is exact up to this; beyond it the answer says it is a lower bound. */
    public static final int TOTAL_CAP = 10_000;

    /** The two queries a search sends. */
    public interface Queries {
        /** Up to {@code limit} records matching {@code filter} in {@code sort} order. */
        List<Document> find(Bson filter, Bson sort, int limit);

        /**
         * How many records match {@code filter}, counting at most {@code limit}; {@link #NOT_COUNTED} when the caller
         * wants no total (an export's pages).
         */
        long count(Bson filter, int limit);
    }

    /** What {@link Queries#count} answers when no total is wanted. */
    public static final long NOT_COUNTED = -1;

    private final int totalCap;
    private final long maxMillis;

    public SearchExecutor(long maxMillis) {
        this(TOTAL_CAP, maxMillis);
    }

    /** With a lower cap, for tests. */
    SearchExecutor(int totalCap, long maxMillis) {
        this.totalCap = totalCap;
        this.maxMillis = maxMillis;
    }

    /** The response body: {@code items}, {@code total} (and {@code totalIsLowerBound}), {@code nextCursor}. */
    public Map<String, Object> run(SearchPlanner.Plan plan, SearchRequest request, Queries queries,
                                   Function<Document, Map<String, Object>> toJson) {
        Cursor after = null;
        if (request.after() != null) {
            try {
                after = Cursor.decode(request.after(), plan.sort());
            } catch (RecordException.BadQuery e) {
                throw new RecordException.Invalid(List.of(new FieldError("after", e.getMessage())));
            }
        }
        List<Document> items;
        long counted;
        try {
            counted = queries.count(plan.filter(), totalCap + 1);
            // Nothing matches: no page to read. The total is kept until its collection changes, so a search that
            // finds nothing (a combination no record has, which an index walk reads far to rule out) costs no query
            // after its first ask, and its items and total agree.
            items = counted == 0 ? new ArrayList<>()
                    : new ArrayList<>(queries.find(plan.filter(after), plan.sortBson(), request.limit() + 1));
        } catch (MongoExecutionTimeoutException e) {
            throw new SearchTimedOut(maxMillis);
        }
        String next = null;
        if (items.size() > request.limit()) {
            items = items.subList(0, request.limit());
            Document last = items.get(items.size() - 1);
            next = Cursor.after(plan.sort(), RecordStore.valueAt(last, plan.sort().path()),
                    last.getObjectId("_id")).encode();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items.stream().map(toJson).toList());
        body.put("total", Math.max(0, Math.min(counted, totalCap)));
        if (counted > totalCap) {
            body.put("totalIsLowerBound", true);
        }
        body.put("nextCursor", next);
        return body;
    }
}
