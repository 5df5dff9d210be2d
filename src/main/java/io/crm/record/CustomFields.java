package io.crm.record;

import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * A resource's custom values (the team's own properties, defined at runtime): the {@value #FIELD} object of a body,
 * validated against the live definitions, stored under {@value #FIELD} and mirrored into the meta array
 * {@code _crm.props} that one index serves for every property. Defined here, implemented by the property module, so
 * {@link RecordService} applies it on every write of every resource that has one, in one place.
 */
public interface CustomFields {

    /** The body, stored document and JSON field of the custom values. */
    String FIELD = "custom";
    /** The meta key ({@code _crm.props}) of the attribute-pattern entries {@code {k, v}}. */
    String INDEX_KEY = "props";

    /** The stored values of a create body's {@value #FIELD} object (null: absent); 400 naming {@code custom.<name>}. */
    Document create(Object json);

    /** {@code current} stored values (may be null) after a merge patch of them (null removes a key). */
    Document patch(Document current, Object json);

    /** The {@code _crm.props} entries of stored values. */
    List<Document> indexEntries(Document values);

    /**
     * Throws {@link RecordException.Duplicate} when a value of a unique property is taken by another live record of
     * {@code store} ({@code self}: the record's own id, null on create).
     */
    void checkUnique(RecordStore store, Document values, ObjectId self);

    /**
     * The batch form of {@link #checkUnique}: sets {@code outcomes[i]} (when still null) to a
     * {@link RecordException.Duplicate} for each record whose unique value is taken in the store or by an earlier
     * record of the batch; one query per unique property.
     */
    void checkUnique(RecordStore store, List<Document> values, List<RuntimeException> outcomes);

    /** The JSON view of stored values: the live properties only, JSON-friendly. */
    Map<String, Object> view(Document values);

    /** The stored values of a record (the {@value #FIELD} sub-document), or null. */
    static Document of(Document stored) {
        return stored.get(FIELD) instanceof Document d ? d : null;
    }
}
