package io.crm.property;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import io.crm.json.JsonValues;
import io.crm.record.CustomFields;
import io.crm.record.Field;
import io.crm.record.FieldError;
import io.crm.record.RecordException;
import io.crm.record.RecordMeta;
import io.crm.record.RecordStore;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

/**
 * The custom values of one object type's records, checked against its definitions: unknown and archived properties
 * and values of the wrong type are 400s named {@code custom.<name>}; a unique property's value is unique among live
 * records (case-insensitive for text, as its index entry is).
 */
public final class CustomValues implements CustomFields {

    private final String objectType;
    private final String label;
    private final Set<String> builtIns;
    private final PropertyDefinitions definitions;

    CustomValues(String objectType, String label, Set<String> builtIns, PropertyDefinitions definitions) {
        this.objectType = objectType;
        this.label = label;
        this.builtIns = Set.copyOf(builtIns);
        this.definitions = definitions;
    }

    public String objectType() {
        return objectType;
    }

    /** The names of the object's own fields (and the server's), which a property may not take. */
    public Set<String> builtIns() {
        return builtIns;
    }

    @Override
    public Document create(Object json) {
        Map<?, ?> body = object(json);
        List<FieldError> errors = new ArrayList<>();
        Document values = new Document();
        Lookup lookup = new Lookup();
        body.forEach((k, v) -> {
            String name = String.valueOf(k);
            CustomProperty property = writable(lookup, name, errors);
            if (property != null && v != null) {
                convert(property, v, values, errors, false);
            }
        });
        for (CustomProperty property : lookup.all.values()) {
            if (!property.archived() && property.required() && !values.containsKey(property.name())
                    && errors.stream().noneMatch(e -> e.field().equals(path(property.name())))) {
                errors.add(new FieldError(path(property.name()), "is required"));
            }
        }
        if (!errors.isEmpty()) {
            throw new RecordException.Invalid(errors);
        }
        return values;
    }

    @Override
    public Document patch(Document current, Object json) {
        Document values = current == null ? new Document() : new Document(current);
        Map<?, ?> patch;
        if (json == null) {
            // "custom": null removes every value (a required property's refused like its own null)
            Map<String, Object> all = new LinkedHashMap<>();
            values.keySet().forEach(k -> all.put(k, null));
            patch = all;
        } else {
            patch = object(json);
        }
        List<FieldError> errors = new ArrayList<>();
        Lookup lookup = new Lookup();
        patch.forEach((k, v) -> {
            String name = String.valueOf(k);
            if (v != null) {
                CustomProperty property = writable(lookup, name, errors);
                if (property != null) {
                    convert(property, v, values, errors, true);
                }
                return;
            }
            CustomProperty property = lookup.named(name);
            if (property == null && !values.containsKey(name)) {
                errors.add(new FieldError(path(name), "is not a known property"));
            } else if (property != null && !property.archived() && property.required()) {
                errors.add(new FieldError(path(name), "is required and cannot be removed"));
            } else {
                // an archived property's hidden value may be removed too
                values.remove(name);
            }
        });
        if (!errors.isEmpty()) {
            throw new RecordException.Invalid(errors);
        }
        return values;
    }

    /**
     * The definitions as one validation sees them: the cached ones, read again from the store at most once (the first
     * unknown name), so a body naming many unknown properties costs one read, not one per name.
     */
    private final class Lookup {
        private Map<String, CustomProperty> all = definitions.all(objectType);
        private boolean reread;

        CustomProperty named(String name) {
            if (!all.containsKey(name) && !reread) {
                reread = true;
                definitions.invalidate(objectType);
                all = definitions.all(objectType);
            }
            return all.get(name);
        }
    }

    /** The live property a value may be written to, or null with the reason added to {@code errors}. */
    private CustomProperty writable(Lookup lookup, String name, List<FieldError> errors) {
        CustomProperty property = lookup.named(name);
        if (property == null) {
            errors.add(new FieldError(path(name), "is not a known property"));
            return null;
        }
        if (property.archived()) {
            errors.add(new FieldError(path(name), "is an archived property (restore it to use it)"));
            return null;
        }
        return property;
    }

    /** Stores the converted value; an empty multiselect is no value (so "required" means at least one option). */
    private static void convert(CustomProperty property, Object json, Document values, List<FieldError> errors,
                                boolean patching) {
        try {
            Object value = property.convert(json);
            if (value instanceof List<?> list && list.isEmpty()) {
                if (patching && property.required()) {
                    errors.add(new FieldError(path(property.name()), "is required and cannot be removed"));
                }
                values.remove(property.name());
            } else {
                values.put(property.name(), value);
            }
        } catch (Field.InvalidValue invalid) {
            errors.add(new FieldError(path(property.name()), invalid.getMessage()));
        }
    }

    private static Map<?, ?> object(Object json) {
        if (json == null) {
            return Map.of();
        }
        if (!(json instanceof Map<?, ?> map)) {
            throw new RecordException.Invalid(FIELD, "must be an object of property names to values");
        }
        return map;
    }

    static String path(String name) {
        return FIELD + "." + name;
    }

    @Override
    public List<Document> indexEntries(Document values) {
        List<Document> entries = new ArrayList<>();
        if (values != null) {
            values.forEach((name, value) -> {
                for (Object one : value instanceof List<?> list ? list : List.of(value)) {
                    entries.add(entry(name, one));
                }
            });
        }
        return entries;
    }

    static Document entry(String name, Object stored) {
        return new Document("k", name).append("v", PropertyType.indexValue(stored));
    }

    /** Live records with this property, or with one of its values: the (archived, props.k, props.v) index. */
    static Bson having(String name, Bson value) {
        Bson entry = value == null ? Filters.eq("k", name) : Filters.and(Filters.eq("k", name), value);
        return Filters.and(Filters.eq(RecordMeta.ARCHIVED, false), Filters.elemMatch(CustomProperties.INDEX, entry));
    }

    @Override
    public void checkUnique(RecordStore store, Document values, ObjectId self) {
        if (values == null) {
            return;
        }
        for (CustomProperty property : definitions.all(objectType).values()) {
            Object value = values.get(property.name());
            if (property.unique() && !property.archived() && value != null
                    && store.exists(having(property.name(), Filters.eq("v", PropertyType.indexValue(value))), self)) {
                throw duplicate(property);
            }
        }
    }

    @Override
    public void checkUnique(RecordStore store, List<Document> values, List<RuntimeException> outcomes) {
        for (CustomProperty property : definitions.all(objectType).values()) {
            if (!property.unique() || property.archived()) {
                continue;
            }
            Map<Object, Integer> first = new HashMap<>();
            for (int i = 0; i < values.size(); i++) {
                Object value = values.get(i) == null ? null : values.get(i).get(property.name());
                if (value != null && outcomes.get(i) == null
                        && first.putIfAbsent(PropertyType.indexValue(value), i) != null) {
                    outcomes.set(i, duplicate(property));
                }
            }
            if (first.isEmpty()) {
                continue;
            }
            Set<Object> taken = new HashSet<>();
            store.collection().find(having(property.name(), Filters.in("v", first.keySet())))
                    .projection(Projections.include(FIELD + "." + property.name()))
                    .forEach(d -> {
                        Document stored = CustomFields.of(d);
                        if (stored != null && stored.get(property.name()) != null) {
                            taken.add(PropertyType.indexValue(stored.get(property.name())));
                        }
                    });
            first.forEach((value, i) -> {
                if (taken.contains(value) && outcomes.get(i) == null) {
                    outcomes.set(i, duplicate(property));
                }
            });
        }
    }

    private RecordException.Duplicate duplicate(CustomProperty property) {
        return new RecordException.Duplicate(path(property.name()),
                "A " + label + " with this " + property.name() + " already exists");
    }

    @Override
    public Map<String, Object> view(Document values) {
        Map<String, Object> view = new LinkedHashMap<>();
        if (values != null) {
            Map<String, CustomProperty> all = definitions.all(objectType);
            values.forEach((name, value) -> {
                CustomProperty property = all.get(name);
                if (property != null && !property.archived()) {
                    view.put(name, PropertyConversion.json(value));
                }
            });
        }
        return view;
    }
}
