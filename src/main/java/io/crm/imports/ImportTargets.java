package io.crm.imports;

import java.util.List;
import java.util.Map;

import io.crm.company.CompanySchema;
import io.crm.company.CompanyService;
import io.crm.contact.ContactSchema;
import io.crm.contact.ContactService;
import io.crm.record.RecordException;

import org.springframework.stereotype.Component;

/** The resources CSV files can be imported into: contacts (matched by email) and companies (by domain). */
@Component
class ImportTargets {

    private final Map<String, ImportTarget> targets;

    ImportTargets(ContactService contacts, CompanyService companies) {
        ImportTarget contactTarget = new ImportTarget("contacts", contacts,
                List.of("name", "email", "phone", "title", "companyId", "tags", "externalId"), "attributes.",
                "email", ContactSchema.EMAIL_KEY, Map.ofEntries(
                        Map.entry("fullname", "name"), Map.entry("contactname", "name"),
                        Map.entry("contact", "name"),
                        Map.entry("emailaddress", "email"), Map.entry("mail", "email"),
                        Map.entry("phonenumber", "phone"), Map.entry("telephone", "phone"),
                        Map.entry("tel", "phone"), Map.entry("mobile", "phone"),
                        Map.entry("jobtitle", "title"), Map.entry("position", "title"),
                        Map.entry("tag", "tags"), Map.entry("labels", "tags"),
                        Map.entry("personid", "externalId")));
        ImportTarget companyTarget = new ImportTarget("companies", companies,
                List.of("name", "domain", "industry", "phone", "tags", "address.street", "address.city",
                        "address.region", "address.postalCode", "address.country"), null,
                "domain", CompanySchema.DOMAIN_KEY, Map.ofEntries(
                        Map.entry("company", "name"), Map.entry("companyname", "name"),
                        Map.entry("organization", "name"), Map.entry("organisation", "name"),
                        Map.entry("domainname", "domain"),
                        Map.entry("sector", "industry"),
                        Map.entry("phonenumber", "phone"), Map.entry("telephone", "phone"),
                        Map.entry("tel", "phone"),
                        Map.entry("tag", "tags"), Map.entry("labels", "tags"),
                        Map.entry("street", "address.street"), Map.entry("address", "address.street"),
                        Map.entry("city", "address.city"), Map.entry("town", "address.city"),
                        Map.entry("region", "address.region"), Map.entry("state", "address.region"),
                        Map.entry("postalcode", "address.postalCode"), Map.entry("zip", "address.postalCode"),
                        Map.entry("zipcode", "address.postalCode"), Map.entry("postcode", "address.postalCode"),
                        Map.entry("country", "address.country")));
        this.targets = Map.of("contacts", contactTarget, "companies", companyTarget);
    }

    ImportTarget get(String entity) {
        ImportTarget target = entity == null ? null : targets.get(entity.strip());
        if (target == null) {
            throw new RecordException.Invalid("entity", "must be contacts or companies");
        }
        return target;
    }
}
