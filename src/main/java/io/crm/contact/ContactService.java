package io.crm.contact;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.model.Filters;
import io.crm.platform.web.LimitsProperties;
import io.crm.property.PropertyDefinitions;
import io.crm.record.CustomFields;
import io.crm.record.RecordContext;
import io.crm.record.RecordException;
import io.crm.record.RecordFilter;
import io.crm.record.RecordService;
import io.crm.record.RecordStore;
import io.crm.record.References;
import io.crm.record.Schema;
import io.crm.record.SchemaCustomizer;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Service;

/** Contact use cases: the one place contact rules are applied, for the v1 API, the legacy API and the UI alike. */
@Service
public class ContactService extends RecordService<ContactService.ContactFilter> {

    public static final Map<String, String> SORTS = sortsBy("name", ContactSchema.NAME_KEY);

    private final References references;
    private final Schema schema;

    @org.springframework.beans.factory.annotation.Autowired
    public ContactService(MongoTemplate mongo, References references, RecordContext context,
                          LimitsProperties limits, PropertyDefinitions properties,
                          ObjectProvider<SchemaCustomizer> customizers) {
        this(mongo, references, context, properties, ContactSchema.guardingAttributes(SchemaCustomizer.apply(
                "contacts", ContactSchema.schema(limits.maxTags(), limits.maxAttributes()),
                customizers.orderedStream().toList())));
    }

    private ContactService(MongoTemplate mongo, References references, RecordContext context,
                           PropertyDefinitions properties, Schema schema) {
        super(new RecordStore(mongo.getCollection(ContactSchema.COLLECTION), "Contact", Map.of(
                ContactIndexes.EMAIL_UNIQUE, UNIQUE_EMAIL, ContactIndexes.EXTERNAL_ID_UNIQUE, UNIQUE_EXTERNAL_ID),
                Set.of("emailKey"), context), SORTS, properties.values("contacts", "contact",
                schema.reservedNames()));
        this.references = references;
        this.schema = schema;
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public Map<String, Object> view(Document stored) {
        return ContactSchema.toJson(schema, stored);
    }

    /** The API-shaped document of a stored contact (attributes gathered; values still BSON). */
    public Document toApi(Document stored) {
        return ContactSchema.toApi(schema, stored);
    }

    @Override
    protected Document newRecord(Map<String, Object> body) {
        Document api = schema.create(body);
        checkReferences(api);
        return ContactSchema.toStored(schema, api);
    }

    @Override
    protected Document patched(Document current, Map<String, Object> patch) {
        Document api = schema.patch(ContactSchema.toApi(schema, current), patch);
        if (patch.containsKey("companyId")) {
            checkReferences(api);
        }
        return ContactSchema.toStored(schema, api);
    }

    /**
     * Erases a contact's personal data (a GDPR erasure request): the record keeps only its id and its company link,
     * archived and named {@value #ERASED_NAME}; its email no longer blocks a new contact. Live or archived; 404 when
     * there is no such contact. Its events keep field names only (see {@link RecordStore#erase}).
     */
    public Document erase(String id) {
        Document current = store.find(id).orElseThrow(() -> new RecordException.NotFound(store.label()));
        Document kept = new Document("name", ERASED_NAME);
        if (current.get("companyId") != null) {
            kept.put("companyId", current.get("companyId"));
        }
        return store.erase(current, kept, meta(kept));
    }

    public static final String ERASED_NAME = "Erased contact";

    @Override
    protected Document derived(Document stored) {
        return ContactSchema.derived(stored);
    }

    private void checkReferences(Document api) {
        references.require("companyId", api.get("companyId"), "companies", "company");
    }

    /**
     * The contact uniqueness rules (email among live contacts, externalId/person_id) for a stored-shape document
     * built outside this service (the legacy API); {@code self} is the record's own id on updates, else null.
     */
    public void requireUnique(Document stored, ObjectId self) {
        unique(stored, self);
    }

    /**
     * A stored-shape contact built by the legacy API: its {@code custom} object, when it has one, checked and
     * converted by the custom properties' rules (as the v1 API does; a {@link RecordException.Invalid} otherwise).
     */
    public void checkCustom(Document stored) {
        Object json = stored.get(CustomFields.FIELD);
        if (json != null && customFields() != null) {
            stored.put(CustomFields.FIELD, customFields().create(json));
        }
    }

    /** The derived meta of such a contact: its keys and its custom values' index entries, as any write's. */
    public Document storedMeta(Document stored) {
        return meta(stored);
    }

    private static final UniqueKey UNIQUE_EMAIL =
            new UniqueKey(ContactSchema.EMAIL_KEY, "email", "A contact with this email already exists");
    private static final UniqueKey UNIQUE_EXTERNAL_ID =
            new UniqueKey(ContactSchema.LEGACY_ID, ContactSchema.EXTERNAL_ID,
                    "A contact with this externalId already exists");
    private static final List<UniqueKey> UNIQUE_KEYS = List.of(UNIQUE_EMAIL, UNIQUE_EXTERNAL_ID);

    @Override
    protected List<UniqueKey> uniqueKeys() {
        return UNIQUE_KEYS;
    }

    @Override
    protected void checkUnique(Document stored, ObjectId self) {
        // Where the unique index is in force, the write itself is refused with the same 409: no lookup before it.
        if (stored.get("email") instanceof String email && !email.isBlank()
                && !store.enforced(ContactIndexes.EMAIL_UNIQUE)) {
            // The key exists only on live contacts (RecordStore's live-only keys), so the key alone is the unique
            // index lookup: adding "archived: false" would only make stores without a planner scan.
            Bson sameEmail = Filters.eq(ContactSchema.EMAIL_KEY, email.strip().toLowerCase(Locale.ROOT));
            if (store.exists(sameEmail, self)) {
                throw new RecordException.Duplicate(UNIQUE_EMAIL.field(), UNIQUE_EMAIL.message());
            }
        }
        if (stored.get(ContactSchema.LEGACY_ID) instanceof String externalId
                && !store.enforced(ContactIndexes.EXTERNAL_ID_UNIQUE)
                && store.exists(Filters.eq(ContactSchema.LEGACY_ID, externalId), self)) {
            throw new RecordException.Duplicate(UNIQUE_EXTERNAL_ID.field(), UNIQUE_EXTERNAL_ID.message());
        }
    }

    /** The list filters of the contacts API. */
    public record ContactFilter(boolean archived, String q, String tag, String companyId, String email)
            implements RecordFilter {

        @Override
        public Bson toBson() {
            List<Bson> and = RecordFilter.archivedAndText(archived, q);
            if (RecordFilter.given(tag)) {
                and.add(Filters.eq("tags", tag.strip().toLowerCase(Locale.ROOT)));
            }
            if (RecordFilter.given(companyId)) {
                if (!ObjectId.isValid(companyId)) {
                    throw new RecordException.BadQuery("companyId must be a record id");
                }
                and.add(Filters.eq("companyId", new ObjectId(companyId)));
            }
            if (RecordFilter.given(email)) {
                and.add(Filters.eq(ContactSchema.EMAIL_KEY, email.strip().toLowerCase(Locale.ROOT)));
            }
            return Filters.and(and);
        }
    }
}
