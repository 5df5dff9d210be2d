package io.crm.company;

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
import io.crm.record.SortOrder;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Service;

/** Company use cases. */
@Service
public class CompanyService {

    public static final Map<String, String> SORTS = Map.of(
            "name", CompanySchema.NAME_KEY,
            "createdAt", RecordMeta.CREATED_AT,
            "updatedAt", RecordMeta.UPDATED_AT);
    public static final String DEFAULT_SORT = "-createdAt";
    /** List filter to stored field; each has one index per sort, so a request may use one of them (plus q). */
    public static final Map<String, String> FILTERS = Map.of(
            "tag", "tags",
            "domain", "domain");
    static final String DUPLICATE_DOMAIN = "A company with this domain already exists";

    private final RecordStore store;

    public CompanyService(MongoTemplate mongo, Clock clock) {
        this.store = new RecordStore(mongo.getCollection(CompanySchema.COLLECTION), "Company",
                Map.of(CompanyIndexes.DOMAIN_UNIQUE, DUPLICATE_DOMAIN), Set.of("domainKey"), clock);
    }

    public RecordStore store() {
        return store;
    }

    public Document create(Map<String, Object> body) {
        Document stored = CompanySchema.normalized(CompanySchema.SCHEMA.create(body));
        checkUnique(stored, null);
        return store.insert(stored, CompanySchema.derived(stored));
    }

    public Document get(String id) {
        return store.get(id);
    }

    public Document update(String id, Map<String, Object> patch, Long expectedVersion) {
        Document current = store.get(id);
        Document stored = CompanySchema.normalized(CompanySchema.SCHEMA.patch(CompanySchema.fields(current), patch));
        checkUnique(stored, current.getObjectId("_id"));
        return store.replace(current, stored, CompanySchema.derived(stored), expectedVersion);
    }

    public Document archive(String id, Long expectedVersion) {
        Document current = store.get(id);
        return store.setArchived(current, true, CompanySchema.derived(current), expectedVersion);
    }

    public Document restore(String id) {
        Document current = store.find(id).orElseThrow(() -> new RecordException.NotFound("Company"));
        if (!RecordMeta.archived(current)) {
            return current;
        }
        checkUnique(current, current.getObjectId("_id"));
        return store.setArchived(current, false, CompanySchema.derived(current), null);
    }

    public Page<Document> list(CompanyFilter filter, String sort, int limit, String cursor) {
        return store.list(filter.toBson(), SortOrder.parse(sort, SORTS, DEFAULT_SORT), limit, cursor);
    }

    /** The unique index is the real guard; this gives the same 409 with a clear message before trying. */
    private void checkUnique(Document stored, ObjectId self) {
        if (stored.get("domain") instanceof String domain) {
            Bson same = Filters.and(Filters.eq(CompanySchema.DOMAIN_KEY, domain),
                    Filters.eq(RecordMeta.ARCHIVED, false));
            Bson query = self == null ? same : Filters.and(same, Filters.ne("_id", self));
            if (store.collection().find(query).projection(new Document("_id", 1)).first() != null) {
                throw new RecordException.Duplicate(DUPLICATE_DOMAIN);
            }
        }
    }

    /** The list filters of the companies API. */
    public record CompanyFilter(boolean archived, String q, String tag, String domain) {

        Bson toBson() {
            if (tag != null && !tag.isBlank() && domain != null && !domain.isBlank()) {
                throw new RecordException.BadQuery("use one of the filters tag, domain per request "
                        + "(q combines with either)");
            }
            List<Bson> and = new ArrayList<>();
            and.add(Filters.eq(RecordMeta.ARCHIVED, archived));
            if (q != null && !q.isBlank()) {
                // literal, case-insensitive "contains" over name and domain
                and.add(Filters.regex(RecordMeta.SEARCH, Pattern.quote(q.strip().toLowerCase(Locale.ROOT))));
            }
            if (tag != null && !tag.isBlank()) {
                and.add(Filters.eq("tags", tag.strip().toLowerCase(Locale.ROOT)));
            }
            if (domain != null && !domain.isBlank()) {
                and.add(Filters.eq("domain", domain.strip().toLowerCase(Locale.ROOT)));
            }
            return Filters.and(and);
        }
    }
}
