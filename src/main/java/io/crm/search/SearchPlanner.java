package io.crm.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import com.mongodb.client.model.Filters;
import io.crm.property.CustomProperties;
import io.crm.property.PropertyType;
import io.crm.record.Cursor;
import io.crm.record.RecordFilter;
import io.crm.record.RecordMeta;
import io.crm.record.SortOrder;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Turns a search into MongoDB filters that a declared index serves. Each filter group becomes one branch (several
 * groups: a top-level {@code $or} of branches, each served by its own index). In each branch one condition leads, the
 * most selective one an index serves: an equality on a unique key (a point lookup); else an equality (EQ, IN) on a
 * field with an (archived, field, sort) index, walked in the sort's order; else an equality on a field with another
 * (archived, field, ...) index, its matches sorted; else a condition on a custom property through the attribute-pattern
 * index (archived, {@code _crm.props.k}, {@code _crm.props.v}), its matches sorted; without any, the branch walks the
 * (archived, sort) index. All other conditions are residual filters on that walk. Plain Java.
 */
public final class SearchPlanner {

    public static final String PROPS_K = CustomProperties.INDEX + ".k";
    public static final String PROPS_V = CustomProperties.INDEX + ".v";
    /** What counts as a word boundary around a CONTAINS_TOKEN token: anything but ASCII letters and digits and
     * non-ASCII characters (written literally so MongoDB's PCRE and Java read the class alike). */
    private static final String WORD = "a-zA-Z0-9\u00C0-\uFFFF";

    /** How a branch is served, the preferred first. */
    public enum Kind {
        /** Equality on a unique key: a point lookup. */
        UNIQUE,
        /** Equality on a field with an (archived, field, sort) index: a walk in the sort's order. */
        INDEXED,
        /** Equality on a field with an (archived, field, ...) index of another sort: its matches sorted. */
        INDEXED_UNSORTED,
        /** A custom property's equality or range through (archived, _crm.props.k, _crm.props.v): matches sorted. */
        CUSTOM,
        /** The (archived, sort) index walked, every condition residual. */
        WALK
    }

    /** A branch's leading condition (null for a walk) and how it is served. */
    public record Lead(Kind kind, Condition condition) {
    }

    /** One filter group's filter (without the page position) and its lead. */
    public record Branch(Lead lead, Bson filter) {
    }

    /** The planned search: its branches (OR) and the sort. */
    public record Plan(List<Branch> branches, SortOrder sort) {

        /** The filter of every matching record: what {@code total} counts. */
        public Bson filter() {
            return filter(null);
        }

        /** The filter of the records after {@code after} (null: from the start) in the sort's order. */
        public Bson filter(Cursor after) {
            List<Bson> filters = new ArrayList<>();
            for (Branch branch : branches) {
                filters.add(after == null ? branch.filter() : Filters.and(branch.filter(), keyset(sort, after)));
            }
            return filters.size() == 1 ? filters.get(0) : Filters.or(filters);
        }

        public Bson sortBson() {
            return new Document(sort.path(), sort.direction()).append("_id", sort.direction());
        }
    }

    private final IndexCatalog catalog;

    public SearchPlanner(IndexCatalog catalog) {
        this.catalog = catalog;
    }

    public Plan plan(SearchRequest request) {
        List<Branch> branches = new ArrayList<>();
        if (request.groups().isEmpty()) {
            branches.add(new Branch(new Lead(Kind.WALK, null),
                    Filters.and(RecordFilter.archivedAndText(request.archived(), request.query()))));
        }
        for (List<Condition> group : request.groups()) {
            Lead lead = lead(group, request.sort(), request.archived());
            List<Bson> and = RecordFilter.archivedAndText(request.archived(), request.query());
            if (lead.kind() == Kind.CUSTOM) {
                and.add(propsEntry(lead.condition()));
            }
            if (lead.kind() != Kind.WALK) {
                // every other custom condition an attribute entry decides is stated on the entries too (the
                // residual on custom still decides): a planner may then rule records out from index entries alone
                // (the embedded store intersects the candidates of both indexes; a combination no record has is
                // known to be empty without reading the lead's records)
                for (Condition condition : group) {
                    if (condition != lead.condition()
                            && kind(condition, request.sort(), request.archived()) == Kind.CUSTOM) {
                        and.add(propsEntry(condition));
                    }
                }
            }
            List<Bson> conditions = group.stream().map(c -> toBson(c, request.archived())).toList();
            if (lead.kind() == Kind.WALK) {
                // nothing bounds the walk but the archived flag and the sort: every condition is a filter on the
                // entries walked, grouped under $or so that no equality among them reads as an index bound
                and.add(Filters.or(Filters.and(conditions)));
            } else {
                and.addAll(conditions);
            }
            branches.add(new Branch(lead, Filters.and(and)));
        }
        return new Plan(branches, request.sort());
    }

    /** The group's leading condition: the most selective one an index serves. */
    Lead lead(List<Condition> group, SortOrder sort, boolean archived) {
        Lead best = new Lead(Kind.WALK, null);
        int bestRank = Integer.MAX_VALUE;
        for (Condition condition : group) {
            Kind kind = kind(condition, sort, archived);
            if (kind == Kind.WALK) {
                continue;
            }
            // EQ before IN (one index range per value: fewer values first) before a range
            int spread = switch (condition.operator()) {
                case EQ -> 0;
                case IN -> condition.values().size();
                default -> 999;
            };
            int rank = kind.ordinal() * 1000 + Math.min(spread, 999);
            if (rank < bestRank) {
                bestRank = rank;
                best = new Lead(kind, condition);
            }
        }
        return best;
    }

    private Kind kind(Condition condition, SortOrder sort, boolean archived) {
        SearchProperty property = condition.property();
        Operator op = condition.operator();
        if (property.isCustom()) {
            boolean bounded = op == Operator.EQ || op == Operator.IN
                    || (ordered(op) && property.type() != SearchType.TEXT);
            return bounded && catalog.starts(List.of(RecordMeta.ARCHIVED, PROPS_K, PROPS_V)) ? Kind.CUSTOM
                    : Kind.WALK;
        }
        String path = equalityPath(property, archived);
        if (path == null || (op != Operator.EQ && op != Operator.IN)) {
            return Kind.WALK;
        }
        if (catalog.unique(path)) {
            return Kind.UNIQUE;
        }
        if (catalog.leads(List.of(RecordMeta.ARCHIVED, path), sort.path())) {
            return Kind.INDEXED;
        }
        return catalog.starts(List.of(RecordMeta.ARCHIVED, path)) ? Kind.INDEXED_UNSORTED : Kind.WALK;
    }

    /** Where an equality on the property compares, or null when it is a case-insensitive pattern (no index). */
    private static String equalityPath(SearchProperty property, boolean archived) {
        if (property.caseInsensitive()) {
            return null;
        }
        if (property.keyPath() != null) {
            return property.liveOnlyKey() && archived ? null : property.keyPath();
        }
        return property.path();
    }

    /**
     * The custom property's entry in the attribute pattern: bounds the index walk (k, and v unless the condition is a
     * range on text, whose index value is lower-cased and so orders differently); the residual on custom decides.
     */
    static Bson propsEntry(Condition condition) {
        List<Object> values = condition.values().stream().map(PropertyType::indexValue).toList();
        Object v = switch (condition.operator()) {
            case EQ -> values.get(0);
            case IN -> new Document("$in", values);
            case LT -> new Document("$lt", values.get(0));
            case LTE -> new Document("$lte", values.get(0));
            case GT -> new Document("$gt", values.get(0));
            case GTE -> new Document("$gte", values.get(0));
            case BETWEEN -> new Document("$gte", values.get(0)).append("$lte", values.get(1));
            default -> throw new IllegalStateException(condition.operator().name());
        };
        // a plain {k, v} document (not an $and): the form planners read as bounds on both keys
        return Filters.elemMatch(CustomProperties.INDEX,
                new Document("k", condition.property().custom()).append("v", v));
    }

    /** The condition as a filter on the stored record. */
    static Bson toBson(Condition c, boolean archived) {
        SearchProperty p = c.property();
        String path = p.path();
        boolean list = p.type() == SearchType.LIST;
        switch (c.operator()) {
            case HAS_PROPERTY:
                return list ? Filters.exists(path + ".0") : Filters.and(Filters.exists(path), Filters.ne(path, null));
            case NOT_HAS_PROPERTY:
                return list ? Filters.exists(path + ".0", false) : Filters.not(Filters.ne(path, null));
            case CONTAINS_TOKEN:
                return Filters.regex(path, token((String) c.value()), "i");
            default:
                break;
        }
        String keyPath = equalityPath(p, archived);
        boolean pattern = p.caseInsensitive() || (p.keyPath() != null && keyPath == null);
        if (pattern && !ordered(c.operator())) {
            List<Bson> exact = c.values().stream()
                    .map(v -> Filters.regex(path, "^" + Pattern.quote((String) v) + "$", "i")).toList();
            return switch (c.operator()) {
                case EQ -> exact.get(0);
                case NEQ -> Filters.not(exact.get(0));
                case IN -> exact.size() == 1 ? exact.get(0) : Filters.or(exact);
                default -> Filters.nor(exact);
            };
        }
        boolean lower = p.keyPath() != null && keyPath != null;
        String at = lower ? keyPath : path;
        List<Object> values = lower ? c.values().stream().map(v -> (Object) ((String) v).toLowerCase(Locale.ROOT))
                .toList() : c.values();
        Object v = values.get(0);
        return switch (c.operator()) {
            case EQ -> Filters.eq(at, v);
            case NEQ -> Filters.ne(at, v);
            case LT -> Filters.lt(at, v);
            case LTE -> Filters.lte(at, v);
            case GT -> Filters.gt(at, v);
            case GTE -> Filters.gte(at, v);
            case BETWEEN -> new Document(at, new Document("$gte", v).append("$lte", values.get(1)));
            case IN -> Filters.in(at, values);
            case NOT_IN -> Filters.nin(at, values);
            default -> throw new IllegalStateException(c.operator().name());
        };
    }

    private static boolean ordered(Operator operator) {
        return switch (operator) {
            case LT, LTE, GT, GTE, BETWEEN -> true;
            default -> false;
        };
    }

    /** A whole word, case-insensitive; {@code *} stands for any characters but spaces. */
    static String token(String token) {
        StringBuilder body = new StringBuilder();
        String[] parts = token.split("\\*", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                body.append("\\S*");
            }
            if (!parts[i].isEmpty()) {
                body.append(Pattern.quote(parts[i]));
            }
        }
        return "(^|[^" + WORD + "])" + body + "($|[^" + WORD + "])";
    }

    /** Records after the cursor in keyset order (sort value, then _id). */
    static Bson keyset(SortOrder order, Cursor after) {
        return order.ascending()
                ? Filters.or(Filters.gt(order.path(), after.value()),
                Filters.and(Filters.eq(order.path(), after.value()), Filters.gt("_id", after.id())))
                : Filters.or(Filters.lt(order.path(), after.value()),
                Filters.and(Filters.eq(order.path(), after.value()), Filters.lt("_id", after.id())));
    }
}
