package io.crm.imports;

import java.util.List;
import java.util.Map;

import io.crm.company.CompanyService;
import io.crm.contact.ContactService;
import io.crm.property.CustomProperty;
import io.crm.property.PropertyDefinitions;
import io.crm.record.RecordException;

import org.springframework.stereotype.Component;

/**
 * The resources CSV files can be imported into: contacts (matched by email) and companies (by domain), each with its
 * live custom properties.
 */
@Component
class ImportTargets {

    private final Map<String, ImportTarget> targets;

    ImportTargets(ContactService contacts, CompanyService companies, PropertyDefinitions properties) {
        this.targets = Map.of(
                "contacts", new ImportTarget("contacts", contacts, () -> live(properties, "contacts")),
                "companies", new ImportTarget("companies", companies, () -> live(properties, "companies")));
    }

    /** The live custom properties (the cached definitions: a row of an import does not read the store). */
    private static List<CustomProperty> live(PropertyDefinitions properties, String objectType) {
        return properties.all(objectType).values().stream().filter(p -> !p.archived()).toList();
    }

    ImportTarget get(String entity) {
        ImportTarget target = entity == null ? null : targets.get(entity.strip());
        if (target == null) {
            throw new RecordException.Invalid("entity", "must be contacts or companies");
        }
        return target;
    }
}
