package io.crm.feed;

import java.util.ArrayList;
import java.util.List;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.crm.events.Event;
import org.bson.Document;
import org.bson.conversions.Bson;

/** Pages of the feed, oldest first, after a cursor. */
final class FeedReader {

    /** Object types whose events only MEMBER and up may read: accounts and their tokens. */
    static final List<String> PRIVILEGED_OBJECT_TYPES = List.of("user", "token");

    /** One page: the events, and the cursor to ask for the next page with. */
    record Page(List<Event> events, String nextCursor) {
    }

    private final FeedCollections store;

    FeedReader(FeedCollections store) {
        this.store = store;
    }

    /**
     * @param after           the cursor of the last event the client saw; null for the start of the retained feed
     * @param types           which types to return
     * @param limit           at most this many events
     * @param withPrivileged  whether user and token events are included (MEMBER and up)
     * @throws CursorExpired  when retention deleted events the client has not seen
     */
    Page page(String after, FeedTypes types, int limit, boolean withPrivileged) {
        Long from = after == null ? null : FeedCursor.decode(after);
        List<Bson> and = new ArrayList<>();
        if (from != null) {
            and.add(Filters.gt(FeedCollections.SEQ, from));
        }
        if (!types.exact().isEmpty() && !types.objectTypes().isEmpty()) {
            and.add(Filters.or(Filters.in("type", types.exact()), Filters.in("objectType", types.objectTypes())));
        } else if (!types.exact().isEmpty()) {
            and.add(Filters.in("type", types.exact()));
        } else if (!types.objectTypes().isEmpty()) {
            and.add(Filters.in("objectType", types.objectTypes()));
        }
        if (!withPrivileged) {
            and.add(Filters.nin("objectType", PRIVILEGED_OBJECT_TYPES));
        }
        List<Document> found = store.events.find(and.isEmpty() ? new Document() : Filters.and(and))
                .sort(Sorts.ascending(FeedCollections.SEQ)).limit(limit).into(new ArrayList<>());
        // read after the page: retention records how far it deletes before deleting, so an event this query missed
        // because it was just deleted shows up here as an expired cursor, never as a silent gap
        long deletedThrough = from != null || found.isEmpty() ? store.deletedThrough() : 0;
        if (from != null && from < deletedThrough) {
            throw new CursorExpired();
        }
        String next;
        if (!found.isEmpty()) {
            next = FeedCursor.encode(((Number) found.get(found.size() - 1).get(FeedCollections.SEQ)).longValue());
        } else if (after != null) {
            next = after;
        } else {
            // nothing retained yet: the client starts after what retention removed
            next = FeedCursor.encode(deletedThrough);
        }
        return new Page(found.stream().map(Event::fromDocument).toList(), next);
    }
}
