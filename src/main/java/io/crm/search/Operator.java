package io.crm.search;

/** The comparison operators of a search filter (the HubSpot CRM search names). */
public enum Operator {
    EQ, NEQ, LT, LTE, GT, GTE, BETWEEN, IN, NOT_IN, HAS_PROPERTY, NOT_HAS_PROPERTY, CONTAINS_TOKEN;

    /** What the operator needs besides the property: one value, value and highValue, a values list, or nothing. */
    enum Operands { VALUE, RANGE, VALUES, NONE }

    Operands operands() {
        return switch (this) {
            case BETWEEN -> Operands.RANGE;
            case IN, NOT_IN -> Operands.VALUES;
            case HAS_PROPERTY, NOT_HAS_PROPERTY -> Operands.NONE;
            default -> Operands.VALUE;
        };
    }

    /** The operator named in a request, or null. */
    static Operator of(String name) {
        for (Operator operator : values()) {
            if (operator.name().equals(name)) {
                return operator;
            }
        }
        return null;
    }
}
