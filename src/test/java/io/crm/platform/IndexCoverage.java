package io.crm.platform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.model.IndexModel;
import io.crm.store.CollectionIndexes;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.codecs.configuration.CodecRegistry;

import com.mongodb.MongoClientSettings;

/**
 * Decides whether a MongoDB command is served by a declared index, the way MongoDB's planner would use one
 * (mongo-java-server ignores non-unique indexes, so it cannot tell us). The rule:
 * <ul>
 *   <li>the filter's equality fields, then its sort fields, form a prefix of an index's key pattern (the sort in the
 *   index's direction or exactly reversed; range, regex and {@code $or} conditions are residual filters applied
 *   while walking that index: "equality, sort, range");</li>
 *   <li>or some of its equality fields, at least one of them selective (not only {@code _crm.archived}), then its
 *   sort fields form such a prefix: that condition leads the walk and the other equalities are residual (a list
 *   with several filters, a search); a sort that does not follow a selective leading condition in the index is
 *   done in memory over that condition's matches, which is allowed (a search sorted by an unindexed property), while
 *   a sort behind {@code _crm.archived} alone must follow it (that would sort every record);</li>
 *   <li>a {@code $elemMatch} on an array of sub-documents binds the multikey index's sub-keys: {@code {"_crm.props":
 *   {"$elemMatch": {"k": "region", "v": "emea"}}}} is equality on {@code _crm.props.k} and {@code _crm.props.v};</li>
 *   <li>point lookups are allowed: every key of {@code _id} or of a declared unique index bound by equality;</li>
 *   <li>a filter with no equality and no sort must at least range-scan an index's leading key;</li>
 *   <li>a top-level {@code $or} may instead be served branch by branch (an OR plan; with a sort, each branch in the
 *   sort's order by the rules above, as a search with several filter groups);</li>
 *   <li>a {@code find} with an empty filter and no sort reads the whole collection on purpose (an export: its cost
 *   is its output) and is allowed; counting or aggregating over an empty {@code $match} is not (it scans the
 *   collection to answer one number: use {@code estimatedDocumentCount}, i.e. the {@code count} command without a
 *   query, which is allowed).</li>
 * </ul>
 * Checked: find, count, aggregate (its leading {@code $match} and a {@code $sort} right after it), update and
 * delete statements, findAndModify.
 */
public final class IndexCoverage {

    /** Commands this checker looks at; everything else (insert, createIndexes, ping, ...) needs no index. */
    public static final Set<String> CHECKED = Set.of("find", "count", "aggregate", "update", "delete",
            "findAndModify");

    private static final CodecRegistry CODECS = MongoClientSettings.getDefaultCodecRegistry();
    /** Every list's first condition (live or archived): it bounds nothing worth an index by itself. */
    private static final String ARCHIVED = "_crm.archived";

    /** One index: its key pattern in order, direction per key (0 for non-numeric kinds), and uniqueness. */
    public record Index(String name, List<String> fields, List<Integer> directions, boolean unique) {

        static final Index ID = new Index("_id_", List.of("_id"), List.of(1), true);

        public static Index of(IndexModel model) {
            BsonDocument keys = model.getKeys().toBsonDocument(BsonDocument.class, CODECS);
            List<String> fields = new ArrayList<>();
            List<Integer> directions = new ArrayList<>();
            keys.forEach((field, direction) -> {
                fields.add(field);
                directions.add(direction.isNumber() ? (int) Math.signum(direction.asNumber().doubleValue()) : 0);
            });
            String name = model.getOptions().getName() != null ? model.getOptions().getName() : keys.toJson();
            return new Index(name, List.copyOf(fields), List.copyOf(directions), model.getOptions().isUnique());
        }
    }

    /** A command that no declared index serves, with the shape that made it so. */
    public record Violation(String collection, String command, String filter, String sort, String reason) {

        @Override
        public String toString() {
            return command + " on " + collection + " filter " + filter + (sort == null ? "" : " sort " + sort)
                    + ": " + reason;
        }
    }

    private final Map<String, List<Index>> indexes;

    public IndexCoverage(Map<String, List<Index>> indexes) {
        this.indexes = indexes;
    }

    /** The checker for the application's declarations (the {@link CollectionIndexes} beans). */
    public static IndexCoverage of(List<CollectionIndexes> declarations) {
        Map<String, List<Index>> byCollection = new HashMap<>();
        for (CollectionIndexes declaration : declarations) {
            List<Index> list = byCollection.computeIfAbsent(declaration.collection(), c -> new ArrayList<>());
            declaration.indexes().forEach(model -> list.add(Index.of(model)));
        }
        return new IndexCoverage(byCollection);
    }

    /** The violations of one command (a command document as the driver sent it), empty when it is served. */
    public List<Violation> check(BsonDocument command) {
        String name = command.getFirstKey();
        if (!CHECKED.contains(name) || !command.get(name).isString()) {
            return List.of();
        }
        String collection = command.getString(name).getValue();
        List<Violation> violations = new ArrayList<>();
        switch (name) {
            case "find" -> {
                BsonDocument filter = document(command, "filter");
                BsonDocument sort = document(command, "sort");
                if (!(filter.isEmpty() && sort.isEmpty())) {
                    query(collection, name, filter, sort, violations);
                }
            }
            case "count" -> {
                BsonDocument filter = document(command, "query");
                if (!filter.isEmpty()) {
                    query(collection, name, filter, new BsonDocument(), violations);
                }
            }
            case "findAndModify" -> query(collection, name, document(command, "query"), document(command, "sort"),
                    violations);
            case "update" -> statements(command, "updates", collection, name, violations);
            case "delete" -> statements(command, "deletes", collection, name, violations);
            case "aggregate" -> aggregate(command, collection, violations);
            default -> {
            }
        }
        return violations;
    }

    private void statements(BsonDocument command, String key, String collection, String name,
                            List<Violation> violations) {
        BsonValue list = command.get(key);
        if (list == null || !list.isArray()) {
            return;
        }
        for (BsonValue statement : list.asArray()) {
            if (statement.isDocument()) {
                query(collection, name, document(statement.asDocument(), "q"), new BsonDocument(), violations);
            }
        }
    }

    private void aggregate(BsonDocument command, String collection, List<Violation> violations) {
        BsonValue pipeline = command.get("pipeline");
        if (pipeline == null || !pipeline.isArray() || pipeline.asArray().isEmpty()) {
            violations.add(new Violation(collection, "aggregate", "{}", null, "an empty pipeline reads everything"));
            return;
        }
        BsonArray stages = pipeline.asArray();
        BsonDocument first = stages.get(0).asDocument();
        String stage = first.getFirstKey();
        if (Set.of("$collStats", "$indexStats").contains(stage)) {
            return;
        }
        if (!stage.equals("$match")) {
            violations.add(new Violation(collection, "aggregate", "(none)", null,
                    "the pipeline does not start with $match, so it scans the collection"));
            return;
        }
        BsonDocument filter = first.getDocument("$match");
        BsonDocument sort = stages.size() > 1 && stages.get(1).asDocument().containsKey("$sort")
                ? stages.get(1).asDocument().getDocument("$sort") : new BsonDocument();
        if (filter.isEmpty() && sort.isEmpty()) {
            violations.add(new Violation(collection, "aggregate", "{}", null,
                    "an empty $match scans the whole collection (to count everything, use "
                            + "estimatedDocumentCount)"));
            return;
        }
        query(collection, "aggregate", filter, sort, violations);
    }

    private void query(String collection, String command, BsonDocument filter, BsonDocument sort,
                       List<Violation> violations) {
        Shape shape;
        try {
            shape = Shape.of(filter, sort);
        } catch (IllegalArgumentException e) {
            violations.add(new Violation(collection, command, filter.toJson(), json(sort), e.getMessage()));
            return;
        }
        if (filter.isEmpty() && sort.isEmpty()) {
            violations.add(new Violation(collection, command, "{}", null,
                    "an empty filter touches every document"));
            return;
        }
        if (!served(collection, shape, filter)) {
            violations.add(new Violation(collection, command, filter.toJson(), json(sort),
                    "no declared index has the equality fields " + shape.equality + " then the sort fields "
                            + shape.sortFields() + " as a prefix (declared on " + collection + ": "
                            + indexes.getOrDefault(collection, List.of()).stream().map(Index::name).toList()
                            + " and _id)"));
        }
    }

    private boolean served(String collection, Shape shape, BsonDocument filter) {
        List<Index> candidates = new ArrayList<>();
        candidates.add(Index.ID);
        candidates.addAll(indexes.getOrDefault(collection, List.of()));
        for (Index index : candidates) {
            if (index.unique() && shape.equality.containsAll(index.fields())) {
                return true;
            }
        }
        for (Index index : candidates) {
            if (prefixServes(index, shape)) {
                return true;
            }
        }
        // an OR plan: each branch of a top-level $or may use its own index; with a sort, each branch is walked in
        // the sort's order and the walks merged (MongoDB's SORT_MERGE), or its matches sorted (a selective lead)
        if (filter.containsKey("$or") && filter.get("$or").isArray()) {
            // a copy, not clone(): the recorded command may be an immutable RawBsonDocument
            BsonDocument rest = new BsonDocument();
            filter.forEach((key, value) -> {
                if (!key.equals("$or")) {
                    rest.put(key, value);
                }
            });
            BsonDocument sort = new BsonDocument();
            shape.sort.forEach(key -> sort.put(key.field(), new org.bson.BsonInt32(key.direction())));
            for (BsonValue branch : filter.getArray("$or")) {
                if (!branch.isDocument()) {
                    return false;
                }
                BsonDocument combined = new BsonDocument("$and", new BsonArray(List.of(rest, branch.asDocument())));
                Shape branchShape;
                try {
                    branchShape = Shape.of(combined, sort);
                } catch (IllegalArgumentException e) {
                    return false;
                }
                if (!served(collection, branchShape, combined)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    static boolean prefixServes(Index index, Shape shape) {
        // the index's leading keys that the filter binds by equality; the other equality fields are residual
        int n = 0;
        while (n < index.fields().size() && shape.equality.contains(index.fields().get(n))) {
            n++;
        }
        Set<String> leading = new HashSet<>(index.fields().subList(0, n));
        leading.remove(ARCHIVED);
        // a walk over every live (or archived) record that filters on the rest is a scan: a leading condition that
        // leaves equality fields residual must be a selective one
        boolean selective = !leading.isEmpty();
        if (n < shape.equality.size() && !selective) {
            return false;
        }
        List<SortKey> sort = shape.sort.stream().filter(s -> !shape.equality.contains(s.field())).toList();
        if (!sortFollows(index, n, sort)) {
            // the matches of a selective condition sorted in memory (a search sorted by an unindexed property)
            return selective;
        }
        if (n == 0 && sort.isEmpty()) {
            // nothing bounds the scan but a range on the index's leading key
            return shape.range.contains(index.fields().get(0));
        }
        return true;
    }

    /** The sort keys are the index's next keys after {@code n}, all in its direction or all exactly reversed. */
    private static boolean sortFollows(Index index, int n, List<SortKey> sort) {
        if (n + sort.size() > index.fields().size()) {
            return false;
        }
        Integer sign = null;
        for (int i = 0; i < sort.size(); i++) {
            SortKey key = sort.get(i);
            int at = n + i;
            int direction = index.directions().get(at);
            if (!index.fields().get(at).equals(key.field()) || direction == 0) {
                return false;
            }
            int relative = direction * key.direction();
            if (sign != null && sign != relative) {
                return false;
            }
            sign = relative;
        }
        return true;
    }

    private static BsonDocument document(BsonDocument parent, String key) {
        BsonValue value = parent.get(key);
        return value != null && value.isDocument() ? value.asDocument() : new BsonDocument();
    }

    private static String json(BsonDocument sort) {
        return sort.isEmpty() ? null : sort.toJson();
    }

    record SortKey(String field, int direction) {
    }

    /** A filter reduced to what the planner cares about: equality fields, sort keys, range fields. */
    static final class Shape {
        final Set<String> equality = new LinkedHashSet<>();
        final Set<String> range = new LinkedHashSet<>();
        /** Fields under $or / $nor: filters on the walk, never bounds of it. */
        final Set<String> alternatives = new LinkedHashSet<>();
        final List<SortKey> sort = new ArrayList<>();

        static Shape of(BsonDocument filter, BsonDocument sort) {
            Shape shape = new Shape();
            shape.add(filter);
            sort.forEach((field, direction) -> {
                if (!direction.isNumber()) {
                    throw new IllegalArgumentException("sort on " + field + " by " + direction + " uses no index");
                }
                shape.sort.add(new SortKey(field, (int) Math.signum(direction.asNumber().doubleValue())));
            });
            return shape;
        }

        List<String> sortFields() {
            return sort.stream().map(s -> s.direction() < 0 ? "-" + s.field() : s.field()).toList();
        }

        private void add(BsonDocument filter) {
            filter.forEach((key, value) -> {
                switch (key) {
                    case "$and" -> value.asArray().forEach(v -> add(v.asDocument()));
                    // alternatives narrow nothing the index must bound: residual filters on the index walk
                    case "$or", "$nor" -> value.asArray().forEach(v -> residual(v.asDocument()));
                    case "$comment" -> {
                    }
                    default -> {
                        if (key.startsWith("$")) {
                            throw new IllegalArgumentException(key + " cannot be served by a B-tree index");
                        }
                        if (value.isDocument() && value.asDocument().size() == 1
                                && value.asDocument().containsKey("$elemMatch")
                                && value.asDocument().get("$elemMatch").isDocument()) {
                            // one array element matching every condition: bounds on the multikey index's sub-keys
                            value.asDocument().getDocument("$elemMatch").forEach((sub, condition) -> {
                                if (sub.startsWith("$")) {
                                    range.add(key);
                                } else if (equality(condition)) {
                                    equality.add(key + "." + sub);
                                } else {
                                    range.add(key + "." + sub);
                                }
                            });
                        } else if (equality(value)) {
                            equality.add(key);
                        } else {
                            range.add(key);
                        }
                    }
                }
            });
        }

        private void residual(BsonDocument filter) {
            filter.forEach((key, value) -> {
                if (key.equals("$and") || key.equals("$or") || key.equals("$nor")) {
                    value.asArray().forEach(v -> residual(v.asDocument()));
                } else if (!key.startsWith("$")) {
                    alternatives.add(key);
                }
            });
        }

        private static boolean equality(BsonValue value) {
            if (value.isRegularExpression()) {
                return false;
            }
            if (value.isDocument() && !value.asDocument().isEmpty()
                    && value.asDocument().getFirstKey().startsWith("$")) {
                Set<String> operators = value.asDocument().keySet();
                return operators.equals(Set.of("$eq")) || operators.equals(Set.of("$in"));
            }
            return true;
        }
    }
}
