package io.crm.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.crm.record.Field;
import io.crm.record.FieldError;
import io.crm.record.RecordException;
import io.crm.record.SortOrder;
import io.crm.record.Text;

/**
 * Reads a search body (the HubSpot CRM search shape) into a {@link SearchRequest}, checking everything a client can
 * get wrong: shapes, unknown properties and sorts, operators the property's type does not support, values of the
 * wrong type, missing operands and the limits. Every problem is reported at once as a 400 whose {@code errors[]}
 * name the JSON path ({@code filterGroups[0].filters[1].operator}). Plain Java.
 */
public final class SearchParser {

    public static final int MAX_GROUPS = 5;
    public static final int MAX_FILTERS = 10;
    public static final int MAX_VALUES = 100;
    public static final int MAX_TOKEN_LENGTH = 200;
    public static final int MAX_QUERY_LENGTH = 200;
    public static final int DEFAULT_LIMIT = 20;
    /** Properties whose value is a user id: {@code "me"} names the caller. */
    public static final Set<String> USER_PROPERTIES = Set.of("ownerId", "assigneeId");
    /** Accepted and ignored: HubSpot clients send the properties to return; a search returns whole records. */
    private static final Set<String> KEYS = Set.of("filterGroups", "sorts", "query", "limit", "after", "archived",
            "properties");

    private final Map<String, SearchProperty> properties;
    private final Map<String, String> sorts;
    private final int maxPageSize;
    private final String me;
    private final List<FieldError> errors = new ArrayList<>();

    /**
     * @param properties  the searchable properties by name (built-in and live custom ones)
     * @param sorts       allowed sort property to stored sort path
     * @param maxPageSize the largest {@code limit}
     * @param me          the caller's user id, for {@code "me"}
     */
    public SearchParser(Map<String, SearchProperty> properties, Map<String, String> sorts, int maxPageSize,
                        String me) {
        this.properties = properties;
        this.sorts = sorts;
        this.maxPageSize = maxPageSize;
        this.me = me;
    }

    public SearchRequest parse(Map<String, Object> body) {
        errors.clear();
        for (String key : body.keySet()) {
            if (!KEYS.contains(key)) {
                errors.add(new FieldError(key, "is not a known field (known: " + String.join(", ", new TreeSet<>(KEYS))
                        + ")"));
            }
        }
        List<List<Condition>> groups = groups(body.get("filterGroups"));
        SortOrder sort = sort(body.get("sorts"));
        String query = text(body.get("query"), "query", MAX_QUERY_LENGTH);
        int limit = limit(body.get("limit"));
        String after = text(body.get("after"), "after", 1000);
        boolean archived = false;
        if (body.get("archived") != null) {
            if (body.get("archived") instanceof Boolean b) {
                archived = b;
            } else {
                errors.add(new FieldError("archived", "must be true or false"));
            }
        }
        if (body.get("properties") != null && !(body.get("properties") instanceof List<?>)) {
            errors.add(new FieldError("properties", "must be an array"));
        }
        if (!errors.isEmpty()) {
            throw new RecordException.Invalid(errors);
        }
        return new SearchRequest(groups, sort, query, limit, after, archived);
    }

    private List<List<Condition>> groups(Object json) {
        List<List<Condition>> groups = new ArrayList<>();
        if (json == null) {
            return groups;
        }
        if (!(json instanceof List<?> list)) {
            errors.add(new FieldError("filterGroups", "must be an array of {\"filters\": [...]}"));
            return groups;
        }
        if (list.size() > MAX_GROUPS) {
            errors.add(new FieldError("filterGroups", "must have at most " + MAX_GROUPS + " groups"));
            return groups;
        }
        for (int g = 0; g < list.size(); g++) {
            String at = "filterGroups[" + g + "]";
            if (!(list.get(g) instanceof Map<?, ?> group)) {
                errors.add(new FieldError(at, "must be an object {\"filters\": [...]}"));
                continue;
            }
            for (Object key : group.keySet()) {
                if (!"filters".equals(key)) {
                    errors.add(new FieldError(at + "." + key, "is not a known field (known: filters)"));
                }
            }
            if (!(group.get("filters") instanceof List<?> filters) || filters.isEmpty()) {
                errors.add(new FieldError(at + ".filters", "must be an array of at least one filter"));
                continue;
            }
            if (filters.size() > MAX_FILTERS) {
                errors.add(new FieldError(at + ".filters", "must have at most " + MAX_FILTERS + " filters"));
                continue;
            }
            List<Condition> conditions = new ArrayList<>();
            for (int f = 0; f < filters.size(); f++) {
                Condition condition = filter(filters.get(f), at + ".filters[" + f + "]");
                if (condition != null) {
                    conditions.add(condition);
                }
            }
            groups.add(conditions);
        }
        return groups;
    }

    private Condition filter(Object json, String at) {
        if (!(json instanceof Map<?, ?> filter)) {
            errors.add(new FieldError(at, "must be an object {\"propertyName\", \"operator\", \"value\"}"));
            return null;
        }
        for (Object key : filter.keySet()) {
            if (!Set.of("propertyName", "operator", "value", "values", "highValue").contains(key)) {
                errors.add(new FieldError(at + "." + key,
                        "is not a known field (known: propertyName, operator, value, values, highValue)"));
            }
        }
        SearchProperty property = null;
        if (!(filter.get("propertyName") instanceof String name) || name.isBlank()) {
            errors.add(new FieldError(at + ".propertyName", "is required"));
        } else {
            property = properties.get(name);
            if (property == null) {
                errors.add(new FieldError(at + ".propertyName", "is not a searchable property (known: "
                        + String.join(", ", new TreeSet<>(properties.keySet())) + ")"));
            }
        }
        Operator operator = null;
        if (!(filter.get("operator") instanceof String name)) {
            errors.add(new FieldError(at + ".operator", "is required"));
        } else if ((operator = Operator.of(name)) == null) {
            errors.add(new FieldError(at + ".operator", "must be one of " + List.of(Operator.values())));
        } else if (property != null && !property.type().operators().contains(operator)) {
            errors.add(new FieldError(at + ".operator", "is not supported on " + property.name() + " (a "
                    + property.type().name().toLowerCase(Locale.ROOT) + "); use one of "
                    + property.type().operators()));
            operator = null;
        }
        if (property == null || operator == null) {
            return null;
        }
        Operator.Operands operands = operator.operands();
        for (String key : List.of("value", "values", "highValue")) {
            boolean used = switch (key) {
                case "value" -> operands == Operator.Operands.VALUE || operands == Operator.Operands.RANGE;
                case "values" -> operands == Operator.Operands.VALUES;
                default -> operands == Operator.Operands.RANGE;
            };
            if (!used && filter.get(key) != null) {
                errors.add(new FieldError(at + "." + key, "is not used by " + operator));
            }
            if (used && filter.get(key) == null) {
                errors.add(new FieldError(at + "." + key, "is required by " + operator));
            }
        }
        int before = errors.size();
        List<Object> values = new ArrayList<>();
        switch (operands) {
            case VALUE -> values.add(value(property, operator, filter.get("value"), at + ".value"));
            case RANGE -> {
                values.add(value(property, operator, filter.get("value"), at + ".value"));
                values.add(value(property, operator, filter.get("highValue"), at + ".highValue"));
            }
            case VALUES -> {
                if (filter.get("values") instanceof List<?> list) {
                    if (list.isEmpty() || list.size() > MAX_VALUES) {
                        errors.add(new FieldError(at + ".values", "must have 1 to " + MAX_VALUES + " values"));
                    } else {
                        for (int i = 0; i < list.size(); i++) {
                            values.add(value(property, operator, list.get(i), at + ".values[" + i + "]"));
                        }
                    }
                } else if (filter.get("values") != null) {
                    errors.add(new FieldError(at + ".values", "must be an array"));
                }
            }
            case NONE -> {
            }
        }
        return errors.size() == before ? new Condition(property, operator, values) : null;
    }

    /** One operand as the stored value (null after recording why not; a missing one was reported already). */
    private Object value(SearchProperty property, Operator operator, Object json, String at) {
        if (json == null) {
            return null;
        }
        if (operator == Operator.CONTAINS_TOKEN) {
            if (!(json instanceof String s) || s.isBlank() || s.strip().length() > MAX_TOKEN_LENGTH
                    || s.strip().chars().anyMatch(Character::isWhitespace) || !Text.isWellFormed(s)) {
                errors.add(new FieldError(at, "must be one word (no spaces, at most " + MAX_TOKEN_LENGTH
                        + " characters; * matches any characters)"));
                return null;
            }
            return s.strip();
        }
        Object input = json;
        if (USER_PROPERTIES.contains(property.name()) && "me".equals(json)) {
            input = me;
        }
        if (property.type() == SearchType.BOOLEAN && json instanceof String s
                && (s.strip().equals("true") || s.strip().equals("false"))) {
            input = Boolean.valueOf(s.strip());
        }
        if (input instanceof String s && !Text.isWellFormed(s)) {
            errors.add(new FieldError(at, "must be well-formed text"));
            return null;
        }
        try {
            Object stored = property.converter().convert(input);
            if (stored == null) {
                throw new Field.InvalidValue("must not be empty");
            }
            return stored;
        } catch (Field.InvalidValue | ClassCastException invalid) {
            errors.add(new FieldError(at, invalid instanceof Field.InvalidValue ? invalid.getMessage()
                    : "has the wrong type for " + property.name()));
            return null;
        }
    }

    private SortOrder sort(Object json) {
        SortOrder fallback = new SortOrder("createdAt", sorts.get("createdAt"), false);
        if (json == null) {
            return fallback;
        }
        if (!(json instanceof List<?> list)) {
            errors.add(new FieldError("sorts", "must be an array of {\"propertyName\", \"direction\"}"));
            return fallback;
        }
        if (list.isEmpty()) {
            return fallback;
        }
        if (list.size() > 1) {
            errors.add(new FieldError("sorts", "must have at most one sort"));
            return fallback;
        }
        if (!(list.get(0) instanceof Map<?, ?> sort)) {
            errors.add(new FieldError("sorts[0]", "must be an object {\"propertyName\", \"direction\"}"));
            return fallback;
        }
        for (Object key : sort.keySet()) {
            if (!"propertyName".equals(key) && !"direction".equals(key)) {
                errors.add(new FieldError("sorts[0]." + key, "is not a known field (known: propertyName, direction)"));
            }
        }
        String path = sort.get("propertyName") instanceof String name ? sorts.get(name) : null;
        if (path == null) {
            errors.add(new FieldError("sorts[0].propertyName", "must be one of "
                    + String.join(", ", new TreeSet<>(sorts.keySet()))));
        }
        Object direction = sort.get("direction");
        boolean ascending = true;
        if (direction != null && !"ASCENDING".equals(direction) && !"DESCENDING".equals(direction)) {
            errors.add(new FieldError("sorts[0].direction", "must be ASCENDING or DESCENDING"));
        } else {
            ascending = !"DESCENDING".equals(direction);
        }
        return path == null ? fallback : new SortOrder((String) sort.get("propertyName"), path, ascending);
    }

    private int limit(Object json) {
        if (json == null) {
            return DEFAULT_LIMIT;
        }
        if (json instanceof Integer i && i >= 1 && i <= maxPageSize) {
            return i;
        }
        errors.add(new FieldError("limit", "must be a whole number from 1 to " + maxPageSize));
        return DEFAULT_LIMIT;
    }

    private String text(Object json, String field, int max) {
        if (json == null) {
            return null;
        }
        if (!(json instanceof String s) || s.length() > max || !Text.isWellFormed(s) || s.indexOf('\0') >= 0) {
            errors.add(new FieldError(field, "must be text of at most " + max + " characters"));
            return null;
        }
        return s.isBlank() ? null : s;
    }
}
