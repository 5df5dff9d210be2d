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
        collect(filter, null, bound);
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
        collect(filter, "", bound);
        Map<String, List<Object>> values = new LinkedHashMap<>();
        bound.forEach((field, condition) -> values.put(field, condition instanceof Document in
                ? new ArrayList<Object>((Collection<?>) in.get("$in")) : List.of(condition)));
        return values;
    }

    /**
     * Also the fields of an {@code $elemMatch} of documents, as {@code array.field}: an element that matches has
     * those values, so every document that matches has index entries with them (a multikey index over two fields of
     * one array holds each document's combinations of its elements' values, the matching element's among them). Only
     * for secondary indexes, whose candidates the whole filter then decides; not for a unique-key lookup (a null
     * {@code prefix}).
     */
    private static void collect(Document filter, String prefix, Map<String, Object> bound) {
        for (Map.Entry<String, Object> entry : filter.entrySet()) {
            String field = entry.getKey();
            Object value = entry.getValue();
            if (field.equals("$and") && value instanceof List<?> branches) {
                for (Object branch : branches) {
                    if (branch instanceof Document document) {
                        collect(document, prefix, bound);
                    }
                }
            } else if (!field.startsWith("$")) {
                String path = prefix == null ? field : prefix + field;
                if (prefix != null && value instanceof Document operators && operators.size() == 1
                        && operators.get("$elemMatch") instanceof Document element) {
                    collect(element, path + ".", bound);
                } else {
                    lookupValue(value).ifPresent(condition -> bound.putIfAbsent(path, condition));
                }
            }
        }
    }

    /**
     * One map of equalities per {@code $elemMatch} of documents in {@code filter} beyond the first (which
     * {@link #equalities} already binds), each with the filter's other equalities: a record matches only if it has an
     * element for each, so the candidates of each can be intersected. Empty when there are fewer than two.
     */
    static List<Map<String, List<Object>>> otherElementEqualities(Document filter) {
        List<Document> elements = new ArrayList<>();
        elemMatches(filter, elements);
        List<Map<String, List<Object>>> others = new ArrayList<>();
        for (int i = 1; i < elements.size(); i++) {
            Document without = new Document();
            // the filter as if the i-th $elemMatch were its only one: the others' bounds left out
            Map<String, List<Object>> values = new LinkedHashMap<>();
            equalities(elements.get(i)).forEach(values::put);
            equalities(withoutElemMatches(filter, without)).forEach(values::putIfAbsent);
            others.add(values);
        }
        return others;
    }

    /** {@code {path: {$elemMatch: {...}}}} conditions, as single-field documents, in filter order. */
    private static void elemMatches(Document filter, List<Document> into) {
        for (Map.Entry<String, Object> entry : filter.entrySet()) {
            if (entry.getKey().equals("$and") && entry.getValue() instanceof List<?> branches) {
                for (Object branch : branches) {
                    if (branch instanceof Document document) {
                        elemMatches(document, into);
                    }
                }
            } else if (!entry.getKey().startsWith("$") && entry.getValue() instanceof Document operators
                    && operators.size() == 1 && operators.get("$elemMatch") instanceof Document) {
                into.add(new Document(entry.getKey(), operators));
            }
        }
    }

    /** The top-level conditions that are not an {@code $elemMatch} (inside {@code $and} too), flattened. */
    private static Document withoutElemMatches(Document filter, Document into) {
        for (Map.Entry<String, Object> entry : filter.entrySet()) {
            if (entry.getKey().equals("$and") && entry.getValue() instanceof List<?> branches) {
                for (Object branch : branches) {
                    if (branch instanceof Document document) {
                        withoutElemMatches(document, into);
                    }
                }
            } else if (!(entry.getValue() instanceof Document operators && operators.containsKey("$elemMatch"))) {
                into.putIfAbsent(entry.getKey(), entry.getValue());
            }
        }
        return into;
    }

    private static final java.util.Set<String> RANGE_OPERATORS = java.util.Set.of("$gt", "$gte", "$lt", "$lte");

    /**
     * Every field of {@code filter} with a range of plain values ({@code $gt}, {@code $gte}, {@code $lt}, {@code $lte},
     * nothing else beside them), top level, inside a top-level {@code $and} or an {@code $elemMatch} of documents as
     * for {@link #equalities}; the first range on a field wins, as operators by name.
     */
    static Map<String, Document> ranges(Document filter) {
        Map<String, Document> ranges = new LinkedHashMap<>();
        collectRanges(filter, "", ranges);
        return ranges;
    }

    private static void collectRanges(Document filter, String prefix, Map<String, Document> ranges) {
        for (Map.Entry<String, Object> entry : filter.entrySet()) {
            String field = entry.getKey();
            Object value = entry.getValue();
            if (field.equals("$and") && value instanceof List<?> branches) {
                for (Object branch : branches) {
                    if (branch instanceof Document document) {
                        collectRanges(document, prefix, ranges);
                    }
                }
            } else if (!field.startsWith("$") && value instanceof Document operators && !operators.isEmpty()) {
                if (operators.size() == 1 && operators.get("$elemMatch") instanceof Document element) {
                    collectRanges(element, prefix + field + ".", ranges);
                } else if (RANGE_OPERATORS.containsAll(operators.keySet())
                        && operators.values().stream().allMatch(KeyLookup::scalar)) {
                    ranges.putIfAbsent(prefix + field, operators);
                }
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
