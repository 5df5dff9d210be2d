package io.crm.contact;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.mongodb.client.model.Filters;
import io.crm.record.Page;
import io.crm.record.RecordException;
import io.crm.record.RecordMeta;
import io.crm.record.RecordStore;
import io.crm.record.References;
import io.crm.record.SortOrder;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Service;

/** Contact use cases: the one place contact rules are applied, for the v1 API, the legacy API and the UI alike. */
@Service
public class ContactService {

    public static final Map<String, String> SORTS = Map.of(
            "name", ContactSchema.NAME_KEY,
            "createdAt", RecordMeta.CREATED_AT,
            "updatedAt", RecordMeta.UPDATED_AT);
    public static final String DEFAULT_SORT = "-createdAt";

    private final RecordStore store;
    private final References references;

    public ContactService(MongoTemplate mongo, References references, Clock clock) {
        this.store = new RecordStore(mongo.getCollection(ContactSchema.COLLECTION), "Contact", Map.of(
                ContactIndexes.EMAIL_UNIQUE, "A contact with this email already exists",
                ContactIndexes.EXTERNAL_ID_UNIQUE, "A contact with this externalId already exists"),
                Set.of("emailKey"), clock);
        this.references = references;
    }

    public RecordStore store() {
        return store;
    }

    public Document create(Map<String, Object> body) {
        Document api = ContactSchema.SCHEMA.create(body);
        checkReferences(api);
        Document stored = ContactSchema.toStored(api);
        checkUnique(stored, null);
        return store.insert(stored, ContactSchema.derived(stored));
    }

    public Document get(String id) {
        return store.get(id);
    }

    public Document update(String id, Map<String, Object> patch, Long expectedVersion) {
        Document current = store.get(id);
        Document api = ContactSchema.SCHEMA.patch(ContactSchema.toApi(current), patch);
        if (patch.containsKey("companyId")) {
            checkReferences(api);
        }
        Document stored = ContactSchema.toStored(api);
        checkUnique(stored, current.getObjectId("_id"));
        return store.replace(current, stored, ContactSchema.derived(stored), expectedVersion);
    }

    public Document archive(String id, Long expectedVersion) {
        Document current = store.get(id);
        return store.setArchived(current, true, ContactSchema.derived(current), expectedVersion);
    }

    public Document restore(String id) {
        Document current = store.find(id).orElseThrow(() -> new RecordException.NotFound("Contact"));
        if (!RecordMeta.archived(current)) {
            return current;
        }
        checkUnique(current, current.getObjectId("_id"));
        return store.setArchived(current, false, ContactSchema.derived(current), null);
    }

    public Page<Document> list(ContactFilter filter, String sort, int limit, String cursor) {
        return store.list(filter.toBson(), SortOrder.parse(sort, SORTS, DEFAULT_SORT), limit, cursor);
    }

    private void checkReferences(Document api) {
        references.require("companyId", api.get("companyId"), "companies", "company");
    }

    /**
     * The contact uniqueness rules (email among live contacts, externalId/person_id) for a stored-shape document
     * built outside this service (the legacy API); {@code self} is the record's own id on updates, else null.
     */
    public void requireUnique(Document stored, ObjectId self) {
        checkUnique(stored, self);
    }

    /**
     * The unique indexes are the real guard; this check gives the same 409 on stores that cannot enforce them
     * (legacy data with duplicates keeps the index from being built) and a clearer message.
     */
    private void checkUnique(Document stored, ObjectId self) {
        if (stored.get("email") instanceof String email && !email.isBlank()) {
            Bson sameEmail = Filters.and(Filters.eq(ContactSchema.EMAIL_KEY, email.strip().toLowerCase(Locale.ROOT)),
                    Filters.eq(RecordMeta.ARCHIVED, false));
            if (exists(sameEmail, self)) {
                throw new RecordException.Duplicate("A contact with this email already exists");
            }
        }
        if (stored.get(ContactSchema.LEGACY_ID) instanceof String externalId
                && exists(Filters.eq(ContactSchema.LEGACY_ID, externalId), self)) {
            throw new RecordException.Duplicate("A contact with this externalId already exists");
        }
    }

    private boolean exists(Bson filter, ObjectId self) {
        Bson query = self == null ? filter : Filters.and(filter, Filters.ne("_id", self));
        return store.collection().find(query).projection(new Document("_id", 1)).first() != null;
    }

    /** The list filters of the contacts API. */
    public record ContactFilter(boolean archived, String q, String tag, String companyId, String email) {

        Bson toBson() {
            List<Bson> and = new ArrayList<>();
            and.add(Filters.eq(RecordMeta.ARCHIVED, archived));
            if (q != null && !q.isBlank()) {
                // literal, case-insensitive "contains": the text is quoted, never a regex or an operator
                and.add(Filters.regex(RecordMeta.SEARCH, Pattern.quote(q.strip().toLowerCase(Locale.ROOT))));
            }
            if (tag != null && !tag.isBlank()) {
                and.add(Filters.eq("tags", tag.strip().toLowerCase(Locale.ROOT)));
            }
            if (companyId != null && !companyId.isBlank()) {
                if (!ObjectId.isValid(companyId)) {
                    throw new RecordException.BadQuery("companyId must be a record id");
                }
                and.add(Filters.eq("companyId", new ObjectId(companyId)));
            }
            if (email != null && !email.isBlank()) {
                and.add(Filters.eq(ContactSchema.EMAIL_KEY, email.strip().toLowerCase(Locale.ROOT)));
            }
            return Filters.and(and);
        }
    }
}
