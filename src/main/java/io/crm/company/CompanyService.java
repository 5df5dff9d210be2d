package io.crm.company;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.model.Filters;
import io.crm.platform.web.LimitsProperties;
import io.crm.property.PropertyDefinitions;
import io.crm.record.RecordContext;
import io.crm.record.RecordException;
import io.crm.record.RecordFilter;
import io.crm.record.RecordService;
import io.crm.record.RecordStore;
import io.crm.record.Schema;
import io.crm.record.SchemaCustomizer;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Service;

/** Company use cases. */
@Service
public class CompanyService extends RecordService<CompanyService.CompanyFilter> {

    public static final Map<String, String> SORTS = sortsBy("name", CompanySchema.NAME_KEY);
    /**
     * List filter to stored field; each has one index per sort. Both at once are ANDed: one leads the index walk,
     * the other (and q) is a residual filter on it.
     */
    public static final Map<String, String> FILTERS = Map.of(
            "tag", "tags",
            "domain", "domain");
    static final String DUPLICATE_DOMAIN = "A company with this domain already exists";
    private static final UniqueKey UNIQUE_DOMAIN = new UniqueKey(CompanySchema.DOMAIN_KEY, "domain", DUPLICATE_DOMAIN);

    private final Schema schema;

    @org.springframework.beans.factory.annotation.Autowired
    public CompanyService(MongoTemplate mongo, RecordContext context, LimitsProperties limits,
                          PropertyDefinitions properties, ObjectProvider<SchemaCustomizer> customizers) {
        this(mongo, context, properties, SchemaCustomizer.apply("companies", CompanySchema.schema(limits.maxTags()),
                customizers.orderedStream().toList()));
    }

    private CompanyService(MongoTemplate mongo, RecordContext context, PropertyDefinitions properties,
                           Schema schema) {
        super(new RecordStore(mongo.getCollection(CompanySchema.COLLECTION), "Company",
                Map.of(CompanyIndexes.DOMAIN_UNIQUE, UNIQUE_DOMAIN), Set.of("domainKey"), context), SORTS,
                properties.values("companies", "company", schema.reservedNames()));
        this.schema = schema;
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public Map<String, Object> view(Document stored) {
        return schema.toJson(stored);
    }

    @Override
    protected Document newRecord(Map<String, Object> body) {
        return CompanySchema.normalized(schema.create(body));
    }

    @Override
    protected Document patched(Document current, Map<String, Object> patch) {
        return CompanySchema.normalized(schema.patch(schema.ownFields(current), patch));
    }

    @Override
    protected Document derived(Document stored) {
        return CompanySchema.derived(stored);
    }

    @Override
    protected List<UniqueKey> uniqueKeys() {
        return List.of(UNIQUE_DOMAIN);
    }

    @Override
    protected void checkUnique(Document stored, ObjectId self) {
        // the domain key exists only on live companies, so the key alone is the unique index lookup; where that
        // index is in force, the write itself is refused with the same 409
        if (stored.get("domain") instanceof String domain && !store.enforced(CompanyIndexes.DOMAIN_UNIQUE)
                && store.exists(Filters.eq(CompanySchema.DOMAIN_KEY, domain), self)) {
            throw new RecordException.Duplicate("domain", DUPLICATE_DOMAIN);
        }
    }

    /** The list filters of the companies API. */
    public record CompanyFilter(boolean archived, String q, String tag, String domain) implements RecordFilter {

        @Override
        public Bson toBson() {
            // q: over name and domain
            List<Bson> and = RecordFilter.archivedAndText(archived, q);
            if (RecordFilter.given(tag)) {
                and.add(Filters.eq("tags", tag.strip().toLowerCase(Locale.ROOT)));
            }
            if (RecordFilter.given(domain)) {
                and.add(Filters.eq("domain", domain.strip().toLowerCase(Locale.ROOT)));
            }
            return Filters.and(and);
        }
    }
}
