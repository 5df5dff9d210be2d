package io.crm.search;

import java.util.List;

import io.crm.activity.ActivitySchema;
import io.crm.contact.ContactSchema;
import io.crm.deal.DealSchema;

/** The search schemas of the built-in resource schemas, for tests that need no Spring context. */
final class BuiltInSchemas {

    private BuiltInSchemas() {
    }

    static SearchSchemas.ObjectSchema contacts() {
        return SearchSchemas.contacts(ContactSchema.schema(50, 50), stored -> stored);
    }

    static SearchSchemas.ObjectSchema deals(List<String> stages) {
        return SearchSchemas.deals(DealSchema.schema(), stored -> stored, () -> stages);
    }

    static SearchSchemas.ObjectSchema activities() {
        return SearchSchemas.activities(ActivitySchema.SCHEMA, stored -> stored);
    }
}
