package io.crm.activity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.crm.record.RecordApiContract;
import io.crm.support.Http;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ActivityApiTest extends RecordApiContract {

    private static final String ACTIVITIES = "/api/v1/activities";

    private String contact;

    ActivityApiTest() {
        super(Resource.at(ACTIVITIES, ActivitySchema.COLLECTION)
                .required("subject", "Follow-up call")
                .optional("body", "Talked about pricing.")
                .invalid("type", "fax")
                .sorts("createdAt", "updatedAt", "dueAt"));
    }

    @BeforeEach
    void linkTarget() {
        contact = create("/api/v1/contacts", Map.of("name", "Ann"));
    }

    @Override
    protected Map<String, Object> validBody(int n) {
        return Map.of("type", "call", "subject", "Call " + n, "contactId", contact);
    }

    private JsonNode activity(Object... fields) {
        return created(fields);
    }

    @Test
    void typeDefaultsToNoteAndInstantsAreUtc() {
        JsonNode note = activity("subject", "Met at fair", "contactId", contact,
                "dueAt", "2026-01-31T09:00:00+02:00");
        assertThat(note.get("type").asString()).isEqualTo("note");
        assertThat(note.get("dueAt").asString()).isEqualTo("2026-01-31T07:00:00Z");
        assertThat(note.get("completedAt").isNull()).isTrue();
        assertThat(note.get("contactId").asString()).isEqualTo(contact);

        assertThat(errorFields(http.post(ACTIVITIES, Map.of("subject", "x", "contactId", contact,
                "dueAt", "2026-01-31T09:00:00")))).containsExactly("dueAt");
        assertThat(errorFields(http.post(ACTIVITIES, Map.of("subject", "x", "contactId", contact,
                "completedAt", "yesterday")))).containsExactly("completedAt");
        Map<String, Object> removeType = new HashMap<>();
        removeType.put("type", null);
        assertThat(errorFields(http.patch(ACTIVITIES + "/" + note.get("id").asString(), removeType)))
                .containsExactly("type");
    }

    @Test
    void anActivityNeedsAtLeastOneExistingLink() {
        String company = create("/api/v1/companies", Map.of("name", "Acme"));
        String deal = create("/api/v1/deals", Map.of("title", "Big one"));

        Http.Response unlinked = http.post(ACTIVITIES, Map.of("subject", "orphan"));
        assertThat(errorFields(unlinked)).containsExactly("contactId");
        assertThat(unlinked.json().get("errors").get(0).get("message").asString())
                .contains("contactId, companyId, dealId");
        String missing = new ObjectId().toHexString();
        for (String link : List.of("contactId", "companyId", "dealId")) {
            assertThat(errorFields(http.post(ACTIVITIES, Map.of("subject", "x", link, missing))))
                    .as(link).containsExactly(link);
        }

        JsonNode linked = activity("subject", "All three", "contactId", contact, "companyId", company,
                "dealId", deal);
        String id = linked.get("id").asString();
        Map<String, Object> dropTwo = new HashMap<>();
        dropTwo.put("contactId", null);
        dropTwo.put("companyId", null);
        JsonNode dealOnly = http.patch(ACTIVITIES + "/" + id, dropTwo).json();
        assertThat(dealOnly.get("dealId").asString()).isEqualTo(deal);
        assertThat(dealOnly.get("contactId").isNull()).isTrue();

        Map<String, Object> dropLast = new HashMap<>();
        dropLast.put("dealId", null);
        assertThat(errorFields(http.patch(ACTIVITIES + "/" + id, dropLast))).containsExactly("contactId");
        assertThat(errorFields(http.patch(ACTIVITIES + "/" + id, Map.of("companyId", missing))))
                .containsExactly("companyId");

        http.delete("/api/v1/deals/" + deal);
        assertThat(errorFields(http.post(ACTIVITIES, Map.of("subject", "x", "dealId", deal))))
                .containsExactly("dealId");
        assertThat(http.patch(ACTIVITIES + "/" + id, Map.of("subject", "renamed")).status()).isEqualTo(200);
    }

    @Test
    void filtersByTypeLinksAndOpenTasks() {
        String company = create("/api/v1/companies", Map.of("name", "Acme"));
        String deal = create("/api/v1/deals", Map.of("title", "Big one"));
        String note = activity("subject", "n", "contactId", contact).get("id").asString();
        String openTask = activity("type", "task", "subject", "t1", "companyId", company).get("id").asString();
        String doneTask = activity("type", "task", "subject", "t2", "dealId", deal,
                "completedAt", "2026-01-01T00:00:00Z").get("id").asString();
        String call = activity("type", "call", "subject", "Pricing call", "body", "Discussed DISCOUNTS",
                "contactId", contact, "dealId", deal).get("id").asString();

        assertThat(ids(http.get(ACTIVITIES + "?type=task"))).containsExactly(doneTask, openTask);
        assertThat(ids(http.get(ACTIVITIES + "?contactId=" + contact))).containsExactly(call, note);
        assertThat(ids(http.get(ACTIVITIES + "?companyId=" + company))).containsExactly(openTask);
        assertThat(ids(http.get(ACTIVITIES + "?dealId=" + deal))).containsExactly(call, doneTask);
        assertThat(ids(http.get(ACTIVITIES + "?open=true"))).containsExactly(openTask);
        assertThat(ids(http.get(ACTIVITIES + "?open=false"))).containsExactly(call, doneTask, note);
        assertThat(ids(http.get(ACTIVITIES + "?q=discounts"))).containsExactly(call);
        assertThat(ids(http.get(ACTIVITIES + "?type=call&q=pricing"))).containsExactly(call);
        assertThat(ids(http.get(ACTIVITIES + "?dealId=" + deal + "&sort=updatedAt"))).containsExactly(doneTask, call);
        // several filters at once are ANDed (one leads the index walk, the others are residual)
        assertThat(ids(http.get(ACTIVITIES + "?type=call&contactId=" + contact))).containsExactly(call);
        assertThat(ids(http.get(ACTIVITIES + "?type=task&open=true"))).containsExactly(openTask);
        assertThat(ids(http.get(ACTIVITIES + "?companyId=" + company + "&open=true"))).containsExactly(openTask);
        assertThat(ids(http.get(ACTIVITIES + "?contactId=" + contact + "&open=true"))).isEmpty();

        http.patch(ACTIVITIES + "/" + openTask, Map.of("completedAt", "2026-02-01T10:00:00Z"));
        assertThat(ids(http.get(ACTIVITIES + "?open=true"))).isEmpty();
        Map<String, Object> reopen = new HashMap<>();
        reopen.put("completedAt", null);
        http.patch(ACTIVITIES + "/" + openTask, reopen);
        assertThat(ids(http.get(ACTIVITIES + "?open=true"))).containsExactly(openTask);
        http.patch(ACTIVITIES + "/" + openTask, Map.of("type", "note"));
        assertThat(ids(http.get(ACTIVITIES + "?open=true"))).isEmpty();

        assertProblem(http.get(ACTIVITIES + "?type=fax"), 400);
        assertProblem(http.get(ACTIVITIES + "?open=maybe"), 400);
        assertProblem(http.get(ACTIVITIES + "?contactId=nope"), 400);
        assertProblem(http.get(ACTIVITIES + "?dealId=nope"), 400);
    }

    @Test
    void dueAtSortPutsUndatedActivitiesLastAndPagesAcrossThem() {
        String late = activity("type", "task", "subject", "late", "contactId", contact,
                "dueAt", "2026-03-01T00:00:00Z").get("id").asString();
        String undatedA = activity("subject", "undated a", "contactId", contact).get("id").asString();
        String early = activity("type", "task", "subject", "early", "contactId", contact,
                "dueAt", "2026-02-01T00:00:00Z").get("id").asString();
        String undatedB = activity("subject", "undated b", "contactId", contact).get("id").asString();

        assertThat(ids(http.get(ACTIVITIES + "?sort=dueAt"))).containsExactly(early, late, undatedA, undatedB);
        assertThat(ids(http.get(ACTIVITIES + "?sort=-dueAt"))).containsExactly(undatedB, undatedA, late, early);
        assertThat(ids(http.get(ACTIVITIES + "?sort=dueAt&open=true"))).containsExactly(early, late);

        Http.Response first = http.get(ACTIVITIES + "?sort=dueAt&limit=3");
        assertThat(ids(first)).containsExactly(early, late, undatedA);
        Http.Response second = http.get(ACTIVITIES + "?sort=dueAt&limit=3&cursor="
                + first.json().get("nextCursor").asString());
        assertThat(ids(second)).containsExactly(undatedB);
        assertThat(second.json().get("nextCursor").isNull()).isTrue();
        // the placeholder sort key never leaks into the representation
        assertThat(second.json().get("items").get(0).get("dueAt").isNull()).isTrue();
    }
}
