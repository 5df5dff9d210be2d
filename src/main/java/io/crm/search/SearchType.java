package io.crm.search;

import java.util.EnumSet;
import java.util.Set;

import static io.crm.search.Operator.BETWEEN;
import static io.crm.search.Operator.CONTAINS_TOKEN;
import static io.crm.search.Operator.EQ;
import static io.crm.search.Operator.GT;
import static io.crm.search.Operator.GTE;
import static io.crm.search.Operator.HAS_PROPERTY;
import static io.crm.search.Operator.IN;
import static io.crm.search.Operator.LT;
import static io.crm.search.Operator.LTE;
import static io.crm.search.Operator.NEQ;
import static io.crm.search.Operator.NOT_HAS_PROPERTY;
import static io.crm.search.Operator.NOT_IN;

/** The stored kinds of searchable values, and the operators each one supports. */
public enum SearchType {
    /** Free text that also orders (names, titles, custom text). */
    TEXT(EnumSet.allOf(Operator.class)),
    /** Text without a useful order: email, phone, URL, external ids. */
    STRING(EnumSet.of(EQ, NEQ, IN, NOT_IN, HAS_PROPERTY, NOT_HAS_PROPERTY, CONTAINS_TOKEN)),
    /** One of a fixed set of values (stage, type, currency, country, select). */
    ENUM(EnumSet.of(EQ, NEQ, IN, NOT_IN, HAS_PROPERTY, NOT_HAS_PROPERTY)),
    /** A record id (ObjectId) or a user id. */
    ID(EnumSet.of(EQ, NEQ, IN, NOT_IN, HAS_PROPERTY, NOT_HAS_PROPERTY)),
    DATE(ordered()),
    DATETIME(ordered()),
    DECIMAL(ordered()),
    NUMBER(ordered()),
    BOOLEAN(EnumSet.of(EQ, NEQ, HAS_PROPERTY, NOT_HAS_PROPERTY)),
    /** A list (tags, contact ids, multiselect): EQ is "contains", NEQ "does not contain", IN any of, NOT_IN none. */
    LIST(EnumSet.of(EQ, NEQ, IN, NOT_IN, HAS_PROPERTY, NOT_HAS_PROPERTY));

    private final Set<Operator> operators;

    SearchType(Set<Operator> operators) {
        this.operators = operators;
    }

    /** The search type of a field's kind (a list, an object or attributes compare item by item or not at all). */
    public static SearchType of(io.crm.record.Field.Kind kind) {
        return switch (kind) {
            case OBJECT, ATTRIBUTES -> throw new IllegalArgumentException("not a searchable kind: " + kind);
            default -> valueOf(kind.name());
        };
    }

    public Set<Operator> operators() {
        return operators;
    }

    private static Set<Operator> ordered() {
        return EnumSet.of(EQ, NEQ, LT, LTE, GT, GTE, BETWEEN, IN, NOT_IN, HAS_PROPERTY, NOT_HAS_PROPERTY);
    }
}
