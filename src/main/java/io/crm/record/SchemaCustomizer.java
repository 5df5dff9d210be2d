package io.crm.record;

import java.util.List;

/**
 * Changes a resource's schema when the service starts (as Spring Boot's customizers do): a deployment or a test
 * adding a field sees it in the API, its documentation, searches, forms, lists, CSV import and export and merge,
 * because they are all derived from the schema.
 */
@FunctionalInterface
public interface SchemaCustomizer {

    /** The schema to use for {@code objectType} ("contacts", "companies", "deals", "activities"). */
    Schema customize(String objectType, Schema schema);

    /** {@code schema} through every customizer, in order. */
    static Schema apply(String objectType, Schema schema, List<SchemaCustomizer> customizers) {
        Schema result = schema;
        for (SchemaCustomizer customizer : customizers) {
            result = customizer.customize(objectType, result);
        }
        return result;
    }
}
