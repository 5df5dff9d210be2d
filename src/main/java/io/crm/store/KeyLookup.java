package io.crm.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;

/**
 * Finds the part of a query filter that a unique index can answer: every key of the index bound by an equality (or an
 * {@code $in} of values) at the top level or inside a top-level {@code $and}. MongoDB's planner does this (an index
 * lookup, then the rest of the filter on the few documents found); mongo-java-server uses an index only when the
 * filter is exactly the index's keys, so {@code {_id: x, _crm.version: 3}} would scan the collection.
 */
final class KeyLookup {

    private KeyLookup() {
    }

    /**
     * The conditions of {@code filter} on {@code keys}, as a filter of those keys alone, if every key is bound by an
     * equality or an {@code $in}; empty otherwise. The caller still applies the whole filter to what the lookup finds.
     */
    static Optional<Document> boundKeys(Document filter, Collection<String> keys) {
        Map<String, Object> bound = new LinkedHashMap<>();
        collect(filter, bound);
        Document lookup = new Document();
        for (String key : keys) {
            Object condition = bound.get(key);
            if (condition == null) {
                return Optional.empty();
            }
            lookup.put(key, condition);
        }
        return Optional.of(lookup);
    }

    /**
     * Every field of {@code filter} bound by an equality or an {@code $in} of plain values (top level or inside a
     * top-level {@code $and}), with the values it may take; the first condition on a field wins (the others stay in
     * the filter, which the caller applies to every document found).
     */
    static Map<String, List<Object>> equalities(Document filter) {
        Map<String, Object> bound = new LinkedHashMap<>();
        collect(filter, bound);
        Map<String, List<Object>> values = new LinkedHashMap<>();
        bound.forEach((field, condition) -> values.put(field, condition instanceof Document in
                ? new ArrayList<Object>((Collection<?>) in.get("$in")) : List.of(condition)));
        return values;
    }

    private static void collect(Document filter, Map<String, Object> bound) {
        for (Map.Entry<String, Object> entry : filter.entrySet()) {
            String field = entry.getKey();
            Object value = entry.getValue();
            if (field.equals("$and") && value instanceof List<?> branches) {
                for (Object branch : branches) {
                    if (branch instanceof Document document) {
                        collect(document, bound);
                    }
                }
            } else if (!field.startsWith("$")) {
                lookupValue(value).ifPresent(condition -> bound.putIfAbsent(field, condition));
            }
        }
    }

    /** The condition as the index takes it, for a plain value, {@code {$eq: v}} or {@code {$in: [v...]}} alone. */
    private static Optional<Object> lookupValue(Object value) {
        if (value instanceof Document operators) {
            if (operators.size() != 1) {
                return Optional.empty();
            }
            Object operand = operators.get("$eq");
            if (operand != null) {
                return scalar(operand) ? Optional.of(operand) : Optional.empty();
            }
            if (operators.get("$in") instanceof Collection<?> values && !values.isEmpty()
                    && values.stream().allMatch(KeyLookup::scalar)) {
                return Optional.of(new Document("$in", new ArrayList<>(values)));
            }
            return Optional.empty();
        }
        return scalar(value) ? Optional.of(value) : Optional.empty();
    }

    /**
     * Values an index lookup answers exactly like a filter does. Null (matches a missing field), arrays and embedded
     * documents (array element and whole-document semantics) and regular expressions are left to the scan.
     */
    private static boolean scalar(Object value) {
        return value != null && !(value instanceof Document) && !(value instanceof Collection<?>)
                && !(value instanceof BsonRegularExpression) && !(value instanceof Pattern)
                && !value.getClass().isArray();
    }
}
