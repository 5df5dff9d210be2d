package io.crm.search;

import java.util.List;

/**
 * One validated filter: a property, an operator and its values already converted to the stored type (one value;
 * value and highValue for BETWEEN; the list for IN and NOT_IN; none for HAS_PROPERTY and NOT_HAS_PROPERTY).
 * CONTAINS_TOKEN keeps its token as text.
 */
public record Condition(SearchProperty property, Operator operator, List<Object> values) {

    public Object value() {
        return values.get(0);
    }

    @Override
    public String toString() {
        return property.name() + " " + operator;
    }
}
