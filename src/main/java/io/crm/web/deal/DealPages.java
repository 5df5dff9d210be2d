package io.crm.web.deal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.company.CompanySchema;
import io.crm.company.CompanyService;
import io.crm.contact.ContactSchema;
import io.crm.contact.ContactService;
import io.crm.deal.DealPipeline;
import io.crm.deal.DealSchema;
import io.crm.deal.DealService;
import io.crm.record.RecordException;
import io.crm.record.RecordMeta;
import io.crm.timeline.TimelineService;
import io.crm.web.Forms;
import io.crm.web.RecordForms;
import io.crm.web.Lists;
import io.crm.web.company.CompanyPages;
import jakarta.servlet.http.HttpServletResponse;
import org.bson.Document;

import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The deals board (kanban by pipeline stage, drag and drop), deal detail and create/edit forms. */
@Controller
public class DealPages {

    /** Cards shown per column (most recently changed first); the column totals count every deal. */
    static final int CARDS_PER_STAGE = 100;

    private final DealService deals;
    private final CompanyService companies;
    private final ContactService contacts;
    private final TimelineService timeline;

    private final RecordForms forms;

    private final io.crm.web.CustomFormFields customFields;

    public DealPages(DealService deals, CompanyService companies, ContactService contacts,
                     TimelineService timeline, io.crm.web.CustomFormFields customFields) {
        this.customFields = customFields;
        this.deals = deals;
        this.companies = companies;
        this.contacts = contacts;
        this.timeline = timeline;
        this.forms = new RecordForms(deals, "Deal", "/deals", null, "Deal archived.", this::form)
                .withCustomFields(customFields, "deals");
    }

    @GetMapping("/deals")
    public String board(@RequestParam(required = false) String conflict,
                        @RequestParam(required = false) String pipelineId, Model model) {
        DealPipeline pipeline = pipelineId == null || pipelineId.isBlank() ? deals.pipeline()
                : deals.pipelines().find(pipelineId.strip()).orElseThrow(() -> new RecordException.NotFound("Pipeline"));
        Map<String, Map<String, Object>> totals = totals(pipeline);
        List<Map<String, Object>> columns = new ArrayList<>();
        List<String> companyIds = new ArrayList<>();
        for (String stage : pipeline.stages()) {
            List<Map<String, Object>> cards = deals.list(new DealService.DealFilter(false, null, stage, null, null,
                            pipeline.id()), "-updatedAt", CARDS_PER_STAGE, null).items().stream()
                    .map(deals::view).toList();
            for (Map<String, Object> card : cards) {
                if (card.get("companyId") instanceof String companyId) {
                    companyIds.add(companyId);
                }
            }
            Map<String, Object> column = new LinkedHashMap<>(totals.get(stage));
            column.put("cards", cards);
            column.put("closed", pipeline.isClosed(stage));
            column.put("lost", pipeline.isLost(stage));
            columns.add(column);
        }
        model.addAttribute("columns", columns);
        model.addAttribute("pipeline", deals.pipelines().toJson(pipeline));
        model.addAttribute("pipelines", deals.pipelines().all().stream().map(deals.pipelines()::toJson).toList());
        model.addAttribute("lostReasons", deals.lostReasons());
        // the cards' company names: one query for the whole board, not one per card
        Map<String, String> companyNames = new LinkedHashMap<>();
        companies.store().findAll(companyIds).forEach((id, c) -> companyNames.put(id, c.getString("name")));
        model.addAttribute("companyNames", companyNames);
        model.addAttribute("conflict", conflict);
        model.addAttribute("exportUrl", "/api/v1/deals/export");
        return "deals/board";
    }

    /**
     * A card dropped on another column: the stage change goes through the same rules as the API, based on the
     * version the card showed, so a card someone else changed meanwhile is refused (409) instead of overwriting.
     */
    @PostMapping("/deals/{id}/stage")
    @ResponseBody
    public ResponseEntity<Map<String, Object>> move(@PathVariable String id, @RequestParam String stage,
                                                    @RequestParam long version,
                                                    @RequestParam(required = false) String lostReason) {
        Map<String, Object> body = new LinkedHashMap<>();
        try {
            Map<String, Object> patch = new LinkedHashMap<>();
            patch.put("stage", stage);
            if (lostReason != null && !lostReason.isBlank()) {
                patch.put("lostReason", lostReason.strip());
            }
            Document saved = deals.update(id, patch, version);
            body.put("id", id);
            body.put("stage", saved.getString("stage"));
            body.put("version", RecordMeta.version(saved));
            body.put("totals", totals(deals.pipelines().of(saved)));
            return ResponseEntity.ok(body);
        } catch (RecordException.StaleVersion stale) {
            body.put("error", "conflict");
            body.put("message", "Someone else changed this deal since the board was loaded, so it was not moved. "
                    + "The board shows the latest data now; try again.");
            return ResponseEntity.status(409).body(body);
        } catch (RecordException.Invalid invalid) {
            body.put("error", "invalid");
            body.put("message", String.join("; ", Forms.errors(invalid).values()));
            return ResponseEntity.status(400).body(body);
        } catch (RecordException.NotFound gone) {
            body.put("error", "conflict");
            body.put("message", "This deal was archived or deleted meanwhile.");
            return ResponseEntity.status(409).body(body);
        }
    }

    /** Per stage of a pipeline: count and amount sums per currency ("EUR" -> "1234.50"). */
    private Map<String, Map<String, Object>> totals(DealPipeline pipeline) {
        Map<String, Map<String, Object>> totals = new LinkedHashMap<>();
        deals.pipelineTotals(pipeline).toJson().forEach(t -> totals.put((String) t.get("stage"), t));
        return totals;
    }

    @GetMapping("/deals/{id}")
    public String detail(@PathVariable String id, @RequestParam(required = false) String before, Model model) {
        Document stored = deals.get(id);
        Map<String, Object> deal = deals.view(stored);
        model.addAttribute("deal", deal);
        model.addAttribute("customValues", customFields.shown("deals", deals.customView(stored)));
        model.addAttribute("pipelineName", deals.pipelines().of(stored).name());
        if (deal.get("companyId") instanceof String companyId) {
            companies.store().find(companyId).ifPresent(c -> model.addAttribute("company", companies.view(c)));
        }
        List<Map<String, Object>> linked = new ArrayList<>();
        if (deal.get("contactIds") instanceof List<?> ids) {
            for (Object contactId : ids) {
                contacts.store().find(String.valueOf(contactId)).ifPresent(c -> linked.add(contacts.view(c)));
            }
        }
        model.addAttribute("contacts", linked);
        Lists.timeline(model, "/deals/" + id, timeline.ofDeal(id, 50, before));
        model.addAttribute("link", Map.of("field", "dealId", "id", id, "on", "deal"));
        return "deals/detail";
    }

    @GetMapping("/deals/new")
    public String newForm(@RequestParam(required = false) String companyId,
                          @RequestParam(required = false) String contactId,
                          @RequestParam(required = false) String pipelineId, Model model) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("companyId", companyId);
        values.put("contactId", contactId);
        DealPipeline pipeline = pipelineId == null ? deals.pipeline()
                : deals.pipelines().find(pipelineId.strip()).orElse(deals.pipeline());
        values.put("pipelineId", pipeline.id());
        values.put("stage", pipeline.defaultStage());
        return form(model, values, Map.of(), null);
    }

    @GetMapping("/deals/{id}/edit")
    public String editForm(@PathVariable String id, Model model) {
        return form(model, new LinkedHashMap<>(deals.toJson(deals.get(id))), Map.of(), null);
    }

    @PostMapping("/deals")
    public String create(@RequestParam MultiValueMap<String, String> form, Model model,
                         HttpServletResponse response, RedirectAttributes redirect) {
        Map<String, Object> body = forms.body(withoutStaleLostReason(form));
        String contactId = form.getFirst("contactId");
        if (contactId != null && !contactId.isBlank()) {
            body.put("contactIds", List.of(contactId.strip()));
        }
        return forms.create(body, form, model, response, redirect);
    }

    @PostMapping("/deals/{id}")
    public String update(@PathVariable String id, @RequestParam MultiValueMap<String, String> form, Model model,
                         HttpServletResponse response, RedirectAttributes redirect) {
        return forms.update(id, withoutStaleLostReason(form), model, response, redirect);
    }

    /**
     * The form always has a lost reason field; when the chosen stage is not a lost one, what it holds is left over
     * (the deal was reopened), so it is not sent: the service refuses a lost reason on an open deal.
     */
    private MultiValueMap<String, String> withoutStaleLostReason(MultiValueMap<String, String> form) {
        DealPipeline pipeline = deals.pipelines().find(form.getFirst("pipelineId")).orElse(deals.pipeline());
        if (pipeline.isLost(form.getFirst("stage"))) {
            return form;
        }
        MultiValueMap<String, String> copy = new org.springframework.util.LinkedMultiValueMap<>(form);
        copy.remove("lostReason");
        return copy;
    }

    @PostMapping("/deals/{id}/archive")
    public String archive(@PathVariable String id, RedirectAttributes redirect) {
        return forms.archive(id, redirect);
    }

    @PostMapping("/deals/{id}/restore")
    public String restore(@PathVariable String id, RedirectAttributes redirect) {
        return forms.restore(id, redirect);
    }

    private String form(Model model, Map<String, Object> values, Map<String, String> errors, String conflict) {
        RecordForms.formModel(model, values, errors, conflict);
        DealPipeline pipeline = deals.pipelines().find((String) values.get("pipelineId")).orElse(deals.pipeline());
        model.addAttribute("stages", pipeline.stages());
        model.addAttribute("pipelines", deals.pipelines().all().stream().map(deals.pipelines()::toJson).toList());
        model.addAttribute("lostReasons", deals.lostReasons());
        model.addAttribute("customFields", customFields.fields("deals", values));
        model.addAttribute("companies", CompanyPages.options(companies));
        // the fields this form draws itself (pipeline and stage go together, contacts are linked from their page)
        model.addAttribute("inputs", forms.inputs(values, java.util.Set.of("title", "amount", "currency",
                "pipelineId", "stage", "lostReason", "companyId", "contactIds", "expectedCloseDate"), Map.of()));
        return "deals/form";
    }
}
