package io.crm.person;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import io.crm.events.Change;
import io.crm.events.Outbox;
import io.crm.contact.ContactIndexes;
import io.crm.contact.ContactSchema;
import io.crm.contact.ContactService;
import io.crm.record.CustomFields;
import io.crm.record.RecordException;
import io.crm.record.RecordMeta;
import io.crm.record.RecordStore;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

import org.springframework.stereotype.Service;

/**
 * The original service's person operations on contacts. A person is a contact stored in the original's shape; writes
 * go through the contacts' {@link RecordStore} (bookkeeping, versions, derived keys) and their uniqueness rules, and
 * archived contacts do not exist for this API.
 */
@Service
public class PersonService {

    /** Not archived; also true of documents the backfill has not adopted yet (written by an original instance). */
    static final Bson LIVE = Filters.ne(RecordMeta.ARCHIVED, true);
    static final int MAX_PERSON_ID = 200;
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,18}");
    private static final int UPDATE_ATTEMPTS = 5;
    private static final Bson BY_ID = Sorts.ascending("_id");
    /** How many documents of one person_id the lookup reads at once: one, or a few archived before a live one. */
    private static final int PERSON_ID_FORMS_READ = 10;

    private final ContactService contacts;
    private final RecordStore store;
    private final LegacyBackfill backfill;

    public PersonService(ContactService contacts, LegacyBackfill backfill) {
        this.contacts = contacts;
        this.store = contacts.store();
        this.backfill = backfill;
    }

    private MongoCollection<Document> persons() {
        return store.collection();
    }

    /** Every person, oldest first; the caller streams and closes the cursor. */
    MongoCursor<Document> all() {
        return persons().find(LIVE).sort(Sorts.ascending("_id")).batchSize(500).iterator();
    }

    /** Persons whose name or email contains {@code text}, case-insensitively and literally. */
    MongoCursor<Document> search(String text) {
        if (text.indexOf('\0') >= 0) {
            throw LegacyException.badRequest("Query parameter 'q' must not contain NUL characters");
        }
        String literal = LegacyJson.literalRegex(text);
        Bson matches = Filters.or(Filters.regex("name", literal, "i"), Filters.regex("email", literal, "i"));
        return persons().find(Filters.and(LIVE, matches)).sort(Sorts.ascending("_id")).batchSize(500).iterator();
    }

    /** By database id; a malformed id names nobody. */
    Document byId(String id) {
        return store.find(id).filter(found -> !RecordMeta.archived(found)).orElseThrow(LegacyException::notFound);
    }

    /** One page in the original's shape; pages past the end are empty. */
    Map<String, Object> page(int page, int limit) {
        long total = liveCount();
        long skip = (long) (page - 1) * limit;
        List<Map<String, Object>> data = new ArrayList<>();
        if (skip < total) {
            persons().find(LIVE).sort(Sorts.ascending("_id")).skip((int) skip).limit(limit)
                    .forEach(d -> data.add(LegacyJson.view(d)));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", data);
        body.put("page", page);
        body.put("limit", limit);
        body.put("total", total);
        body.put("pages", (total + limit - 1) / limit);
        return body;
    }

    Document get(String personId) {
        // one lookup on the person_id index for every stored form of the id (text, and a number for digits), in _id
        // order: the first live one, as the original's find_one found the first
        List<Document> candidates = store.reads().find(byPersonId(personId), BY_ID, PERSON_ID_FORMS_READ);
        for (Document candidate : candidates) {
            if (!RecordMeta.archived(candidate)) {
                return candidate;
            }
        }
        if (candidates.size() == PERSON_ID_FORMS_READ) {
            // more archived ones than one read returns (data from the original, which allowed duplicates): ask the
            // store for the first live one
            Document live = persons().find(Filters.and(byPersonId(personId), LIVE)).sort(BY_ID).first();
            if (live != null) {
                return live;
            }
        }
        throw LegacyException.notFound();
    }

    /** Inserts {@code body} with {@code person_id} set from the path, as the original did. */
    Document create(String personId, Document body) {
        Document stored = newPerson(personId, body);
        checkCustom(stored);
        // The unique index refuses a taken person_id by itself, so the insert is the check, but the index knows one
        // form only: for digits ("7", and 7 from the original's bulk insert) the lookup stays.
        if (hasNumberForm(personId) || !store.enforced(ContactIndexes.EXTERNAL_ID_UNIQUE)) {
            requireNewPersonId(personId, null);
        }
        contacts.requireUnique(withoutPersonId(stored), null);
        try {
            return store.insert(stored, contacts.storedMeta(stored));
        } catch (RecordException.Duplicate taken) {
            if (ContactSchema.EXTERNAL_ID.equals(taken.field())) {
                throw personIdTaken(personId);
            }
            throw taken;
        }
    }

    /**
     * {@code $set} semantics: each given top-level field replaces the stored one. Returns false when nothing changes.
     * Concurrent writers are serialised by the record version; a lost race re-applies the fields to the new state.
     */
    boolean update(String personId, Document changes) {
        Document fields = new Document(changes);
        fields.remove("_id");
        if (fields.containsKey(ContactSchema.LEGACY_ID)) {
            fields.put(ContactSchema.LEGACY_ID, personIdValue(fields.get(ContactSchema.LEGACY_ID)));
        }
        if (fields.isEmpty()) {
            throw LegacyException.badRequest(LegacyException.NO_DATA);
        }
        for (int attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
            Document current = backfill.adopt(get(personId));
            Document before = new Document(current);
            before.remove(RecordMeta.META);
            Document next = new Document(before);
            next.putAll(fields);
            if (next.equals(before)) {
                return false;
            }
            if (!(current.get("_id") instanceof ObjectId self)) {
                // Not a contact (a legacy _id that is not an ObjectId): a plain $set, as the original did.
                // the change and its event in one write; such documents have no version to bump
                Document event = store.context().outbox().event(store.entityType(), "updated", current.get("_id"),
                        Change.between(before, next, Set.of()), RecordMeta.version(current)).toDocument();
                persons().updateOne(Filters.eq("_id", current.get("_id")), Updates.combine(
                        new Document("$set", fields), Updates.push(Outbox.PATH, event)));
                store.context().outbox().written(ContactSchema.COLLECTION, current.get("_id"));
                return true;
            }
            Object newId = next.get(ContactSchema.LEGACY_ID);
            if (!Objects.equals(newId, before.get(ContactSchema.LEGACY_ID)) && newId instanceof String s) {
                requireNewPersonId(s, self);
            }
            if (fields.containsKey(CustomFields.FIELD)) {
                // only a body's own custom object: the stored one is already converted (dates, decimals)
                checkCustom(next);
            }
            Document derived = contacts.storedMeta(next);
            if (emailKey(next).equals(emailKey(before))) {
                // Unchanged email: keep the current reservation state. A legacy duplicate (adopted without the
                // unique key) stays editable; nothing new is claimed.
                if (!RecordMeta.of(current).containsKey("emailKey")) {
                    derived.remove("emailKey");
                }
            } else {
                contacts.requireUnique(withoutPersonId(next), self);
            }
            try {
                store.replace(current, next, derived, null);
                return true;
            } catch (RecordException.StaleVersion raced) {
                // someone else changed it in between: re-read and apply the fields again
            }
        }
        throw LegacyException.conflict("The person was changed concurrently; retry");
    }

    /** A real delete, as the original's (audited with the person's last values). */
    void delete(String personId) {
        try {
            store.delete(get(personId));
        } catch (RecordException.NotFound gone) {
            throw LegacyException.notFound();
        }
    }

    /** Inserts all or none: every item is checked first, and a late failure removes what was inserted. */
    int bulkCreate(List<Document> items) {
        List<Document> people = new ArrayList<>(items.size());
        Set<String> ids = new HashSet<>();
        Set<String> emails = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            Document item = items.get(i);
            if (!item.containsKey(ContactSchema.LEGACY_ID)) {
                throw LegacyException.badRequest("Item " + i + " has no person_id");
            }
            String personId = personIdValue(item.get(ContactSchema.LEGACY_ID));
            if (!ids.add(personId)) {
                throw LegacyException.conflict("person_id '" + personId + "' appears more than once in the request");
            }
            Document stored = newPerson(personId, item);
            checkCustom(stored);
            String email = emailKey(stored);
            if (!email.isEmpty() && !emails.add(email)) {
                throw LegacyException.conflict("Email '" + stored.get("email") + "' appears more than once in the "
                        + "request");
            }
            people.add(stored);
        }
        for (Document stored : people) {
            requireNewPersonId(stored.getString(ContactSchema.LEGACY_ID), null);
            contacts.requireUnique(withoutPersonId(stored), null);
        }
        List<Document> inserted = new ArrayList<>(people.size());
        try {
            for (Document stored : people) {
                inserted.add(store.insert(stored, contacts.storedMeta(stored)));
            }
        } catch (RuntimeException e) {
            for (Document person : inserted) {
                store.delete(person);
            }
            throw e;
        }
        return inserted.size();
    }

    long bulkDelete(List<Object> personIds) {
        if (personIds.isEmpty()) {
            return 0;
        }
        List<Bson> any = new ArrayList<>(personIds.size());
        for (Object id : personIds) {
            any.add(byPersonId(personIdValue(id)));
        }
        long deleted = 0;
        for (Document person : persons().find(Filters.and(Filters.or(any), LIVE))) {
            try {
                store.delete(person);
                deleted++;
            } catch (RecordException.NotFound raced) {
                // deleted by someone else in between: not ours to count
            }
        }
        return deleted;
    }

    /**
     * Persons not archived: all of them (the collection's count, metadata on MongoDB and the map's size in the
     * embedded store) less the archived ones (an index range). Counting {@code archived != true} directly reads one
     * index key, or on the embedded store one document, per live person: linear in the data. The two reads are not
     * one snapshot, so a write between them can skew the figure by that write, as any count under writes can.
     */
    long liveCount() {
        return Math.max(0, persons().estimatedDocumentCount()
                - persons().countDocuments(Filters.eq(RecordMeta.ARCHIVED, true)));
    }

    Map<String, Object> stats() {
        long total = liveCount();
        Document latest = persons().find(LIVE).sort(Sorts.descending("_id")).projection(Projections.include("_id"))
                .first();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total_persons", total);
        body.put("latest_entry_id", latest == null ? null : String.valueOf(
                latest.get("_id") instanceof ObjectId id ? id.toHexString() : latest.get("_id")));
        return body;
    }

    /** The body with person_id placed as the original did: {@code data['person_id'] = person_id; insert(data)}. */
    /**
     * A {@code custom} object in a legacy body follows the custom properties' rules (the values the v1 API and the
     * searches read), refused as the original refused bad input: a 400 naming the problems.
     */
    private void checkCustom(Document stored) {
        try {
            contacts.checkCustom(stored);
        } catch (RecordException.Invalid invalid) {
            throw LegacyException.badRequest(String.join("; ", invalid.errors().stream()
                    .map(e -> e.field() + " " + e.message()).toList()));
        }
    }

    private static Document newPerson(String personId, Document body) {
        Document stored = new Document(body);
        stored.remove("_id");
        stored.put(ContactSchema.LEGACY_ID, personId);
        return stored;
    }

    private void requireNewPersonId(String personId, ObjectId self) {
        // One lookup for every form (the unique index knows only one: "7" and 7 are different keys to it). Two
        // documents are enough: at most one of them is the person itself.
        for (Document other : persons().find(byPersonId(personId))
                .projection(Projections.include("_id")).limit(2)) {
            if (!other.get("_id").equals(self)) {
                throw personIdTaken(personId);
            }
        }
    }

    private static LegacyException personIdTaken(String personId) {
        return LegacyException.conflict("A person with person_id '" + personId + "' already exists");
    }

    /** Whether the original may have stored this person_id as a number too (its bulk insert kept JSON numbers). */
    private static boolean hasNumberForm(String personId) {
        return INTEGER.matcher(personId).matches();
    }

    /**
     * person_id as the path gives it. Documents the original's bulk insert wrote with a JSON number as person_id are
     * found by the same digits.
     */
    static Bson byPersonId(String personId) {
        if (hasNumberForm(personId)) {
            return Filters.in(ContactSchema.LEGACY_ID, personId, Long.parseLong(personId));
        }
        return Filters.eq(ContactSchema.LEGACY_ID, personId);
    }

    /** A person_id from a body: text (or a whole number, kept as its digits), 1 to 200 characters. */
    static String personIdValue(Object value) {
        String id;
        if (value instanceof String s) {
            id = s;
        } else if (value instanceof Integer || value instanceof Long) {
            id = value.toString();
        } else {
            throw LegacyException.badRequest("person_id must be a string");
        }
        checkPersonId(id);
        return id;
    }

    static void checkPersonId(String personId) {
        if (personId.isBlank() || personId.length() > MAX_PERSON_ID) {
            throw LegacyException.badRequest("person_id must be 1 to " + MAX_PERSON_ID + " characters");
        }
    }

    private static String emailKey(Document stored) {
        return stored.get("email") instanceof String s ? s.strip().toLowerCase(Locale.ROOT) : "";
    }

    /** The email rule only: the person_id rule was checked already with the legacy API's own message. */
    private static Document withoutPersonId(Document stored) {
        Document copy = new Document(stored);
        copy.remove(ContactSchema.LEGACY_ID);
        return copy;
    }
}
