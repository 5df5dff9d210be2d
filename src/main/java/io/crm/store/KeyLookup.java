package io.crm.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
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
        conditions(filter, "", false, bind(bound));
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
        conditions(filter, "", true, bind(bound));
        Map<String, List<Object>> values = new LinkedHashMap<>();
        bound.forEach((field, condition) -> values.put(field, condition instanceof Document in
                ? new ArrayList<Object>((Collection<?>) in.get("$in")) : List.of(condition)));
        return values;
    }

    private static BiConsumer<String, Object> bind(Map<String, Object> bound) {
        return (path, value) -> lookupValue(value).ifPresent(condition -> bound.putIfAbsent(path, condition));
    }

    /**
     * Calls {@code each} with every field condition of {@code filter}, at the top level or inside a top-level
     * {@code $and}. With {@code elements}, an {@code $elemMatch} of documents gives its fields as {@code array.field}
     * instead: an element that matches has those values, so every document that matches has index entries with them
     * (a multikey index over two fields of one array holds each document's combinations of its elements' values, the
     * matching element's among them). That is for secondary indexes, whose candidates the whole filter then decides;
     * not for a unique-key lookup.
     */
    private static void conditions(Document filter, String prefix, boolean elements, BiConsumer<String, Object> each) {
        for (Map.Entry<String, Object> entry : filter.entrySet()) {
            String field = entry.getKey();
            Object value = entry.getValue();
            if (field.equals("$and") && value instanceof List<?> branches) {
                for (Object branch : branches) {
                    if (branch instanceof Document document) {
                        conditions(document, prefix, elements, each);
                    }
                }
            } else if (!field.startsWith("$")) {
                Document element = elemMatch(value);
                if (elements && element != null) {
                    conditions(element, prefix + field + ".", true, each);
                } else {
                    each.accept(prefix + field, value);
                }
            }
        }
    }

    /** The element condition of {@code {$elemMatch: {...}}} alone, else null. */
    private static Document elemMatch(Object value) {
        return value instanceof Document operators && operators.size() == 1
                && operators.get("$elemMatch") instanceof Document element ? element : null;
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
        conditions(filter, "", false, (path, value) -> {
            if (elemMatch(value) != null) {
                into.add(new Document(path, value));
            }
        });
    }

    /** The top-level conditions that are not an {@code $elemMatch} (inside {@code $and} too), flattened. */
    private static Document withoutElemMatches(Document filter, Document into) {
        conditions(filter, "", false, (path, value) -> {
            if (elemMatch(value) == null) {
                into.putIfAbsent(path, value);
            }
        });
        return into;
    }

    /**
     * Every field of {@code filter} with a regular expression as its condition (top level or inside a top-level
     * {@code $and}; the first one on a field wins): a document that matches has a string there that the expression
     * finds, so an index entry whose value there is anything else cannot be one of its entries.
     */
    static Map<String, BsonRegularExpression> regexes(Document filter) {
        Map<String, BsonRegularExpression> regexes = new LinkedHashMap<>();
        conditions(filter, "", false, (path, value) -> {
            if (BsonRegularExpression.isRegularExpression(value)) {
                regexes.putIfAbsent(path, BsonRegularExpression.convertToRegularExpression(value));
            }
        });
        return regexes;
    }

    private static final java.util.Set<String> RANGE_OPERATORS = java.util.Set.of("$gt", "$gte", "$lt", "$lte");

    /**
     * Every field of {@code filter} with a range of plain values ({@code $gt}, {@code $gte}, {@code $lt}, {@code $lte},
     * nothing else beside them), top level, inside a top-level {@code $and} or an {@code $elemMatch} of documents as
     * for {@link #equalities}; the first range on a field wins, as operators by name.
     */
    static Map<String, Document> ranges(Document filter) {
        Map<String, Document> ranges = new LinkedHashMap<>();
        conditions(filter, "", true, (path, value) -> {
            if (value instanceof Document operators && !operators.isEmpty()
                    && RANGE_OPERATORS.containsAll(operators.keySet())
                    && operators.values().stream().allMatch(KeyLookup::scalar)) {
                ranges.putIfAbsent(path, operators);
            }
        });
        return ranges;
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
