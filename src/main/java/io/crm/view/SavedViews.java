package io.crm.view;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import io.crm.json.JsonValues;
import io.crm.record.FieldError;
import io.crm.record.RecordException;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * Saved views: a named search (the search body of {@code POST /api/v1/{objectType}/search}) and the list columns to
 * show, private to its owner or shared with everyone. Plain Java over one collection; who may change a view (its
 * owner, or an admin) is decided here, the caller says who is asking.
 */
public class SavedViews {

    public static final String COLLECTION = "views";
    public static final List<String> OBJECT_TYPES = List.of("contacts", "companies", "deals", "activities");
    static final int MAX_PER_OWNER = 100;
    public static final int MAX_COLUMNS = 30;
    private static final Set<String> FIELDS = Set.of("name", "objectType", "search", "columns", "shared");
    private static final Set<String> SERVER_FIELDS = Set.of("id", "ownerId", "createdAt", "updatedAt", "version");

    /** Checks a view's search body and columns for its object type (the search grammar and its properties). */
    public interface Rules {
        /** Field errors (paths under {@code search}) of a search body; empty when it is valid. */
        List<FieldError> searchErrors(String objectType, Map<String, Object> search);

        /** Whether a column names a property of the object type. */
        boolean isColumn(String objectType, String column);
    }

    /**
     * Who is asking: their user id, whether they may share a view (members and admins; a viewer keeps private views)
     * and whether they are an admin (who may change any shared view).
     */
    public record Caller(String userId, boolean canShare, boolean admin) {

        /** The signed-in user of the current request (the API's and the web pages' one rule for views). */
        public static Caller current() {
            io.crm.security.CrmUser user = io.crm.security.CurrentUser.get();
            return new Caller(user.id(), user.role() != io.crm.security.Role.VIEWER,
                    user.role() == io.crm.security.Role.ADMIN);
        }
    }

    private final MongoCollection<Document> views;
    private final Rules rules;
    private final Clock clock;

    public SavedViews(MongoCollection<Document> views, Rules rules, Clock clock) {
        this.views = views;
        this.rules = rules;
        this.clock = clock;
    }

    /** The caller's own views and the shared ones, of one object type (or all), by object type and name. */
    public List<Map<String, Object>> list(Caller caller, String objectType) {
        if (objectType != null && !OBJECT_TYPES.contains(objectType)) {
            throw new RecordException.BadQuery("objectType must be one of " + String.join(", ", OBJECT_TYPES));
        }
        List<Document> found = new ArrayList<>();
        // an OR of two indexed conditions (views_owner, views_shared); each branch is a short index range
        var mine = objectType == null ? Filters.eq("ownerId", caller.userId())
                : Filters.and(Filters.eq("ownerId", caller.userId()), Filters.eq("objectType", objectType));
        var shared = objectType == null ? Filters.eq("shared", true)
                : Filters.and(Filters.eq("shared", true), Filters.eq("objectType", objectType));
        views.find(Filters.or(mine, shared)).into(found);
        return found.stream()
                .sorted(Comparator.comparing((Document d) -> d.getString("objectType"))
                        .thenComparing(d -> d.getString("name").toLowerCase(java.util.Locale.ROOT))
                        .thenComparing(d -> d.getObjectId("_id")))
                .map(SavedViews::toJson).toList();
    }

    /** A view the caller may see (their own or a shared one); 404 otherwise. */
    public Map<String, Object> get(Caller caller, String id) {
        return toJson(visible(caller, id));
    }

    public Map<String, Object> create(Caller caller, Map<String, Object> body) {
        Document view = validate(body, null);
        checkSharing(caller, view);
        if (views.countDocuments(Filters.eq("ownerId", caller.userId())) >= MAX_PER_OWNER) {
            throw new RecordException.Conflict("You have " + MAX_PER_OWNER + " saved views, the most allowed; "
                    + "delete one first");
        }
        Date now = Date.from(clock.instant());
        view.put("_id", new ObjectId());
        view.put("ownerId", caller.userId());
        view.put("createdAt", now);
        view.put("updatedAt", now);
        view.put("version", 1L);
        views.insertOne(view);
        return toJson(view);
    }

    /** A merge of the given fields; only the owner (or an admin, for a shared view) may change a view. */
    public Map<String, Object> update(Caller caller, String id, Map<String, Object> patch) {
        Document current = changeable(caller, id);
        Map<String, Object> merged = new LinkedHashMap<>();
        for (String field : FIELDS) {
            if (current.containsKey(field)) {
                merged.put(field, current.get(field));
            }
        }
        patch.forEach((k, v) -> {
            if (!SERVER_FIELDS.contains(k)) {
                merged.put(k, v);
            }
        });
        Document next = validate(merged, patch.keySet());
        checkSharing(caller, next);
        next.put("_id", current.getObjectId("_id"));
        next.put("ownerId", current.getString("ownerId"));
        next.put("createdAt", current.get("createdAt"));
        next.put("updatedAt", Date.from(clock.instant()));
        long version = current.get("version") instanceof Number n ? n.longValue() : 1L;
        next.put("version", version + 1);
        Document saved = views.findOneAndReplace(Filters.and(Filters.eq("_id", current.getObjectId("_id")),
                Filters.eq("version", version)), next, new FindOneAndReplaceOptions()
                .returnDocument(ReturnDocument.AFTER));
        if (saved == null) {
            throw new RecordException.Conflict("The view was changed meanwhile; load it again");
        }
        return toJson(saved);
    }

    public void delete(Caller caller, String id) {
        Document current = changeable(caller, id);
        views.deleteOne(Filters.eq("_id", current.getObjectId("_id")));
    }

    private static void checkSharing(Caller caller, Document view) {
        if (Boolean.TRUE.equals(view.getBoolean("shared")) && !caller.canShare()) {
            throw new RecordException.Forbidden("A viewer keeps private views; a member or an admin may share one");
        }
    }

    private Document visible(Caller caller, String id) {
        Document view = ObjectId.isValid(id) ? views.find(Filters.eq("_id", new ObjectId(id))).first() : null;
        if (view == null || !(caller.userId().equals(view.getString("ownerId"))
                || Boolean.TRUE.equals(view.getBoolean("shared")))) {
            throw new RecordException.NotFound("View");
        }
        return view;
    }

    private Document changeable(Caller caller, String id) {
        Document view = visible(caller, id);
        boolean own = caller.userId().equals(view.getString("ownerId"));
        if (!own && !caller.admin()) {
            throw new RecordException.Forbidden("Only the view's owner or an admin may change a shared view");
        }
        return view;
    }

    /** The stored view for a body, every problem at once; {@code patched} (null on create) are the fields sent. */
    private Document validate(Map<String, Object> body, Set<String> patched) {
        List<FieldError> errors = new ArrayList<>();
        for (String key : body.keySet()) {
            if (!FIELDS.contains(key) && !SERVER_FIELDS.contains(key)) {
                errors.add(new FieldError(key, "is not a known field"));
            }
        }
        String name = body.get("name") instanceof String s ? s.strip() : null;
        if (name == null || name.isEmpty() || name.length() > 100) {
            errors.add(new FieldError("name", "is required: 1 to 100 characters"));
        }
        Object type = body.get("objectType");
        String objectType = type instanceof String s && OBJECT_TYPES.contains(s) ? s : null;
        if (objectType == null) {
            errors.add(new FieldError("objectType", "must be one of " + String.join(", ", OBJECT_TYPES)));
        } else if (patched != null && patched.contains("objectType")) {
            errors.add(new FieldError("objectType", "cannot be changed; save a new view instead"));
        }
        Document search = new Document();
        if (body.get("search") == null) {
            search = new Document();
        } else if (!(body.get("search") instanceof Map<?, ?> map)) {
            errors.add(new FieldError("search", "must be a search body (an object)"));
        } else {
            @SuppressWarnings("unchecked")
            Map<String, Object> given = (Map<String, Object>) map;
            if (objectType != null) {
                errors.addAll(rules.searchErrors(objectType, given).stream()
                        .map(e -> new FieldError("search." + e.field(), e.message())).toList());
            }
            search = new Document(given);
        }
        List<String> columns = new ArrayList<>();
        Object givenColumns = body.get("columns");
        if (givenColumns != null) {
            if (!(givenColumns instanceof List<?> list) || list.size() > MAX_COLUMNS) {
                errors.add(new FieldError("columns", "must be a list of at most " + MAX_COLUMNS + " property names"));
            } else {
                LinkedHashSet<String> unique = new LinkedHashSet<>();
                for (int i = 0; i < list.size(); i++) {
                    Object column = list.get(i);
                    if (!(column instanceof String c) || objectType != null && !rules.isColumn(objectType, c)) {
                        errors.add(new FieldError("columns[" + i + "]", "is not a property of " + objectType));
                    } else {
                        unique.add(c);
                    }
                }
                columns.addAll(unique);
            }
        }
        Object shared = body.getOrDefault("shared", false);
        if (!(shared instanceof Boolean)) {
            errors.add(new FieldError("shared", "must be true or false"));
        }
        if (!errors.isEmpty()) {
            throw new RecordException.Invalid(errors);
        }
        return new Document("name", name).append("objectType", objectType)
                .append("search", search).append("columns", columns)
                .append("shared", shared);
    }

    static Map<String, Object> toJson(Document view) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", view.getObjectId("_id").toHexString());
        json.put("name", view.getString("name"));
        json.put("objectType", view.getString("objectType"));
        json.put("search", view.get("search"));
        json.put("columns", view.get("columns"));
        json.put("shared", view.getBoolean("shared", false));
        json.put("ownerId", view.getString("ownerId"));
        json.put("createdAt", view.get("createdAt"));
        json.put("updatedAt", view.get("updatedAt"));
        json.put("version", view.get("version"));
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) JsonValues.toJson(json);
        return out;
    }
}
