package io.crm.web;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.activity.ActivitySchema;
import io.crm.activity.ActivityService;
import io.crm.company.CompanyService;
import io.crm.contact.ContactService;
import io.crm.deal.DealService;
import io.crm.record.RecordMeta;
import io.crm.security.CurrentUser;
import org.bson.Document;

import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The dashboard at {@code /} for browsers (Accept: text/html; other clients get the legacy JSON description from
 * LegacyRootController): the pipeline per stage, my open tasks, recently changed records.
 */
@Controller
public class DashboardController {

    static final int CHART_WIDTH = 100;
    private static final int RECENT = 8;

    private final DealService deals;
    private final ContactService contacts;
    private final CompanyService companies;
    private final ActivityService activities;

    public DashboardController(DealService deals, ContactService contacts, CompanyService companies,
                               ActivityService activities) {
        this.deals = deals;
        this.contacts = contacts;
        this.companies = companies;
        this.activities = activities;
    }

    @GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE)
    public String dashboard(Model model) {
        List<Map<String, Object>> stages = deals.pipelineTotals().toJson();
        long max = stages.stream().mapToLong(s -> (Long) s.get("count")).max().orElse(0);
        List<Map<String, Object>> chart = new ArrayList<>();
        for (Map<String, Object> stage : stages) {
            Map<String, Object> bar = new LinkedHashMap<>(stage);
            long count = (Long) stage.get("count");
            // bar length in percent of the widest stage (an SVG attribute: no inline styles under the CSP)
            bar.put("width", max == 0 ? 0 : Math.max(count == 0 ? 0 : 2, count * CHART_WIDTH / max));
            bar.put("closed", deals.pipeline().isClosed((String) stage.get("stage")));
            chart.add(bar);
        }
        model.addAttribute("chart", chart);
        model.addAttribute("openDeals", chart.stream().filter(b -> !(Boolean) b.get("closed"))
                .mapToLong(b -> (Long) b.get("count")).sum());
        model.addAttribute("tasks", activities.openTasksOf(CurrentUser.get().id(), 10).stream()
                .map(activities::view).toList());
        model.addAttribute("recent", recent());
        return "dashboard";
    }

    /** The most recently changed contacts, companies and deals, newest first. */
    private List<Map<String, Object>> recent() {
        List<Map<String, Object>> recent = new ArrayList<>();
        contacts.list(new ContactService.ContactFilter(false, null, null, null, null), "-updatedAt", RECENT, null)
                .items().forEach(d -> recent.add(entry("Contact", "/contacts/", d, d.get("name"))));
        companies.list(new CompanyService.CompanyFilter(false, null, null, null), "-updatedAt", RECENT, null)
                .items().forEach(d -> recent.add(entry("Company", "/companies/", d, d.get("name"))));
        deals.list(new DealService.DealFilter(false, null, null, null, null), "-updatedAt", RECENT, null)
                .items().forEach(d -> recent.add(entry("Deal", "/deals/", d, d.get("title"))));
        recent.sort(Comparator.comparing((Map<String, Object> e) -> (java.time.Instant) e.get("updatedAt"))
                .reversed());
        return recent.subList(0, Math.min(RECENT, recent.size()));
    }

    private static Map<String, Object> entry(String kind, String path, Document record, Object name) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("kind", kind);
        entry.put("href", path + record.getObjectId("_id").toHexString());
        entry.put("name", name == null ? "(unnamed)" : String.valueOf(name));
        entry.put("updatedAt", RecordMeta.updatedAt(record));
        return entry;
    }
}
