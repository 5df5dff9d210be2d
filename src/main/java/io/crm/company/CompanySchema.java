package io.crm.company;

import java.util.List;
import java.util.Map;

import io.crm.record.Field;
import io.crm.record.Fields;
import io.crm.record.RecordMeta;
import io.crm.record.Schema;
import org.bson.Document;

/** Companies: their fields, derived keys and JSON shape. Stored documents use the API field names. */
public final class CompanySchema {

    public static final String COLLECTION = "companies";
    public static final String NAME_KEY = RecordMeta.META + ".nameKey";
    /** The normalized domain, kept only while the company is live: "unique among live companies". */
    public static final String DOMAIN_KEY = RecordMeta.META + ".domainKey";

    private CompanySchema() {
    }

    /**
     * The company fields, with the configured limit on tags ({@code crm.limits.max-tags}). The one place a company
     * field is declared: everything else (JSON view, search, forms, lists, CSV, API docs) follows.
     */
    public static Schema schema(int maxTags) {
        return new Schema(List.of(
                Field.required("name", Fields.text(1, 200)).keyed(NAME_KEY, false)
                        .aliases("company", "company name", "organization", "organisation"),
                Field.optional("domain", Fields.hostname()).keyed(DOMAIN_KEY, true).aliases("domain name"),
                Field.optional("industry", Fields.text(1, 100)).aliases("sector"),
                Field.optional("phone", Fields.phone()).aliases("phone number", "telephone", "tel"),
                Field.mergeable("address", Fields.object(List.of(
                        Field.optional("street", Fields.text(1, 200)).aliases("address"),
                        Field.optional("city", Fields.text(1, 100)).aliases("town"),
                        Field.optional("region", Fields.text(1, 100)).aliases("state"),
                        Field.optional("postalCode", Fields.text(1, 20)).aliases("zip", "zip code", "postcode"),
                        Field.optional("country", Fields.country())))),
                Field.optional("tags", Fields.tags(maxTags)).aliases("tag", "labels")));
    }

    /** The stored fields of a validated document: an address whose every part was removed is no address. */
    static Document normalized(Document doc) {
        if (doc.get("address") instanceof Document address && address.isEmpty()) {
            doc.remove("address");
        }
        return doc;
    }

    /** Keys derived from the fields, kept in the meta sub-document: sort key, unique domain key, search text. */
    public static Document derived(Document stored) {
        Document derived = new Document();
        Object name = stored.get("name");
        Object domain = stored.get("domain");
        derived.put("nameKey", RecordMeta.sortKey(name));
        if (domain instanceof String d && !d.isBlank()) {
            derived.put("domainKey", d);
        }
        derived.put("search", RecordMeta.searchText(name, domain));
        return derived;
    }

}
