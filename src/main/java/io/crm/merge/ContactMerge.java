package io.crm.merge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.crm.activity.ActivityService;
import io.crm.events.Change;
import io.crm.contact.ContactSchema;
import io.crm.contact.ContactService;
import io.crm.record.Field;
import io.crm.record.Schema;
import io.crm.deal.DealService;
import io.crm.record.CustomFields;
import io.crm.record.Page;
import io.crm.record.RecordException;
import io.crm.record.RecordMeta;
import io.crm.store.StoreTransactions;
import org.bson.Document;
import org.bson.types.ObjectId;

import org.springframework.stereotype.Service;

/**
 * Likely duplicate contacts, and merging one into another. A merge keeps one contact, fills its empty fields from the
 * duplicate (tags and attributes are combined, the kept values win), moves the duplicate's activities and deal links to
 * it and archives the duplicate, all through the normal services (validation, versions, audit), and records one
 * {@code merge} event on the kept contact. On a store with transactions it is one transaction
 * ({@link StoreTransactions}): all of it or nothing. Elsewhere each step is idempotent, so a merge cut short is
 * finished by repeating it.
 */
@Service
public class ContactMerge {

    static final int MAX_DUPLICATES = 20;
    private static final int PAGE = 100;

    private final ContactService contacts;
    private final ActivityService activities;
    private final DealService deals;
    private final StoreTransactions transactions;

    public ContactMerge(ContactService contacts, ActivityService activities, DealService deals,
                        StoreTransactions transactions) {
        this.contacts = contacts;
        this.activities = activities;
        this.deals = deals;
        this.transactions = transactions;
    }

    /** Live contacts sharing an email, or a name and phone, with this one; each with the reason. */
    public List<Match> duplicates(String id) {
        Document contact = contacts.get(id);
        Object keys = RecordMeta.of(contact).get(ContactSchema.MATCH_KEYS_FIELD);
        List<String> own = keys instanceof List<?> list ? list.stream().map(String::valueOf).toList()
                : ContactSchema.matchKeys(contact.get("name"), contact.get("email"), contact.get("phone"));
        if (own.isEmpty()) {
            return List.of();
        }
        List<Match> matches = new ArrayList<>();
        contacts.store().collection().find(Filters.and(Filters.eq(RecordMeta.ARCHIVED, false),
                        Filters.in(ContactSchema.MATCH_KEYS, own), Filters.ne("_id", contact.get("_id"))))
                .sort(Sorts.descending(RecordMeta.CREATED_AT, "_id")).limit(MAX_DUPLICATES)
                .forEach(other -> matches.add(new Match(other, reason(own, other))));
        return matches;
    }

    /** Merges {@code duplicateId} into {@code keptId}; returns the kept contact as it is afterwards. */
    public Document merge(String keptId, String duplicateId) {
        if (Objects.equals(keptId, duplicateId)) {
            throw new RecordException.Invalid("duplicateId", "must be another contact");
        }
        // may run more than once (a transaction retried after a transient error): it reads everything itself
        return transactions.run(() -> mergeSteps(keptId, duplicateId));
    }

    private Document mergeSteps(String keptId, String duplicateId) {
        Document kept = contacts.get(keptId);
        Document duplicate;
        try {
            duplicate = contacts.get(duplicateId);
        } catch (RecordException.NotFound e) {
            throw new RecordException.Invalid("duplicateId", "refers to no live contact");
        }
        ObjectId keptOid = kept.getObjectId("_id");
        ObjectId dupOid = duplicate.getObjectId("_id");
        int movedActivities = moveActivities(dupOid, keptOid);
        int movedDeals = moveDeals(dupOid, keptOid);
        // archived first: that frees the duplicate's unique email for the kept contact
        contacts.archive(duplicateId, null);
        Map<String, Object> fill = fill(contacts.schema(), contacts.toApi(kept), contacts.toApi(duplicate));
        // custom values too: the duplicate's (live properties') values where the kept contact has none
        Map<String, Object> custom = new LinkedHashMap<>();
        Document own = CustomFields.of(kept);
        contacts.customView(duplicate).forEach((name, value) -> {
            if (own == null || own.get(name) == null) {
                custom.put(name, value instanceof java.time.Instant at ? at.toString() : value);
            }
        });
        if (!custom.isEmpty()) {
            fill.put(CustomFields.FIELD, custom);
        }
        Document merged = fill.isEmpty() ? contacts.get(keptId) : contacts.update(keptId, fill, null);
        List<Change> summary = List.of(new Change("mergedFrom", null, duplicateId),
                new Change("movedActivities", null, movedActivities), new Change("movedDeals", null, movedDeals));
        // a write of its own on the kept contact carries the contact.merged event
        return contacts.store().mark(merged, "merged", summary);
    }

    private int moveActivities(ObjectId from, ObjectId to) {
        int moved = 0;
        for (int round = 0; round < 10_000; round++) {
            Page<Document> page = activities.list(new ActivityService.ActivityFilter(false, null, null,
                    from.toHexString(), null, null, null), null, PAGE, null);
            if (page.items().isEmpty()) {
                return moved;
            }
            for (Document activity : page.items()) {
                activities.update(activity.getObjectId("_id").toHexString(),
                        Map.of("contactId", to.toHexString()), null);
                moved++;
            }
        }
        return moved;
    }

    private int moveDeals(ObjectId from, ObjectId to) {
        int moved = 0;
        for (int round = 0; round < 10_000; round++) {
            Page<Document> page = deals.list(new DealService.DealFilter(false, null, null, null,
                    from.toHexString()), null, PAGE, null);
            if (page.items().isEmpty()) {
                return moved;
            }
            for (Document deal : page.items()) {
                LinkedHashSet<String> ids = new LinkedHashSet<>();
                for (Object id : deal.getList("contactIds", Object.class, List.of())) {
                    ids.add(id.equals(from) ? to.toHexString() : String.valueOf(id));
                }
                deals.update(deal.getObjectId("_id").toHexString(), Map.of("contactIds", new ArrayList<>(ids)),
                        null);
                moved++;
            }
        }
        return moved;
    }

    /**
     * The merge patch that fills the kept contact's gaps from the duplicate, field by field as the schema declares
     * them: a value where the kept contact has none, a list's items it lacks, an object's keys it lacks.
     */
    static Map<String, Object> fill(Schema schema, Document kept, Document duplicate) {
        Map<String, Object> patch = new LinkedHashMap<>();
        for (Field field : schema.fields()) {
            Object own = kept.get(field.name());
            Object theirs = duplicate.get(field.name());
            switch (field.kind()) {
                case LIST -> {
                    LinkedHashSet<Object> items = new LinkedHashSet<>(own instanceof List<?> l ? l : List.of());
                    if (theirs instanceof List<?> more && items.addAll(more)) {
                        patch.put(field.name(), new ArrayList<>(items.stream().map(ContactMerge::json).toList()));
                    }
                }
                case OBJECT, ATTRIBUTES -> {
                    if (theirs instanceof Map<?, ?> extra) {
                        Map<?, ?> ownMap = own instanceof Map<?, ?> m ? m : Map.of();
                        Map<String, Object> missing = new LinkedHashMap<>();
                        extra.forEach((k, v) -> {
                            if (!ownMap.containsKey(k)) {
                                missing.put(String.valueOf(k), json(v));
                            }
                        });
                        if (!missing.isEmpty()) {
                            patch.put(field.name(), missing);
                        }
                    }
                }
                default -> {
                    if (blank(own) && !blank(theirs)) {
                        patch.put(field.name(), json(theirs));
                    }
                }
            }
        }
        return patch;
    }

    /** A stored value as a body gives it (ids and instants as text). */
    private static Object json(Object stored) {
        Object json = io.crm.json.JsonValues.toJson(stored);
        return json instanceof java.time.Instant at ? at.toString() : json;
    }

    private static boolean blank(Object value) {
        return value == null || (value instanceof String s && s.isBlank());
    }

    private static String reason(List<String> own, Document other) {
        Object keys = RecordMeta.of(other).get(ContactSchema.MATCH_KEYS_FIELD);
        List<?> theirs = keys instanceof List<?> l ? l : List.of();
        return own.stream().filter(theirs::contains).findFirst().map(k -> k.startsWith("email:") ? "email"
                : "name and phone").orElse("similar");
    }

    /** A likely duplicate and why. */
    public record Match(Document contact, String reason) {
    }
}
