package io.crm.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.crm.deal.StageChangeLog;
import io.crm.support.ApiTest;
import io.crm.support.Bodies;
import io.crm.support.Http;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TimelineApiTest extends ApiTest {

    private String ann;
    private String bob;
    private String acme;
    private String deal;

    @BeforeEach
    void records() {
        ann = create("/api/v1/contacts", Map.of("name", "Ann"));
        bob = create("/api/v1/contacts", Map.of("name", "Bob"));
        acme = create("/api/v1/companies", Map.of("name", "Acme"));
        deal = create("/api/v1/deals", Map.of("title", "Acme renewal", "companyId", acme,
                "contactIds", List.of(ann)));
    }

    private String activity(Object... fields) {
        return create("/api/v1/activities", Bodies.of(fields));
    }

    private void stage(String dealId, String stage) {
        Http.Response patched = http.patch("/api/v1/deals/" + dealId, stage.equals("lost")
                ? Map.of("stage", stage, "lostReason", "Budget") : Map.of("stage", stage));
        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
    }

    /** Each entry as "activity:<subject>" or "stage:<from>><to>". */
    private static List<String> entries(Http.Response timeline) {
        assertThat(timeline.status()).as(timeline.toString()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        for (JsonNode item : timeline.json().get("items")) {
            out.add(label(item));
        }
        return out;
    }

    private static String label(JsonNode item) {
        return switch (item.get("kind").asString()) {
            case "activity" -> "activity:" + item.get("subject").asString();
            case "stageChange" -> "stage:" + (item.get("from").isNull() ? "-" : item.get("from").asString()) + ">"
                    + item.get("to").asString();
            default -> throw new AssertionError(item.toString());
        };
    }

    @Test
    void contactTimelineMergesItsActivitiesAndItsDealsStageChangesNewestFirst() {
        activity("subject", "first call", "type", "call", "contactId", ann);
        activity("subject", "bob only", "contactId", bob);
        stage(deal, "qualified");
        activity("subject", "proposal sent", "type", "email", "contactId", ann, "dealId", deal);
        activity("subject", "company note", "companyId", acme);
        stage(deal, "won");

        relayed();
        Http.Response timeline = http.get("/api/v1/contacts/" + ann + "/timeline");

        assertThat(entries(timeline)).containsExactly("stage:qualified>won", "activity:proposal sent",
                "stage:lead>qualified", "activity:first call", "stage:->lead");
        assertThat(timeline.json().get("nextCursor").isNull()).isTrue();
        List<Instant> times = new ArrayList<>();
        timeline.json().get("items").forEach(i -> times.add(Instant.parse(i.get("at").asString())));
        assertThat(times).isSortedAccordingTo(java.util.Comparator.reverseOrder());

        JsonNode change = timeline.json().get("items").get(0);
        assertThat(change.get("dealId").asString()).isEqualTo(deal);
        assertThat(change.get("dealTitle").asString()).isEqualTo("Acme renewal");
        assertThat(change.get("id").asString()).matches("[0-9a-f]{24}");
        JsonNode act = timeline.json().get("items").get(1);
        assertThat(act.get("type").asString()).isEqualTo("email");
        assertThat(act.get("at").asString()).isEqualTo(act.get("createdAt").asString());
        assertThat(act.get("dealId").asString()).isEqualTo(deal);

        relayed();
        assertThat(entries(http.get("/api/v1/contacts/" + bob + "/timeline"))).containsExactly("activity:bob only");
    }

    @Test
    void orderIsByTimeNotByWhenAnEntryWasWritten() {
        activity("subject", "recent", "contactId", ann);
        // history written late (e.g. imported): the newest id, the oldest time
        mongo.getCollection(StageChangeLog.COLLECTION).insertOne(new Document("_id", new ObjectId())
                .append("dealId", new ObjectId(deal)).append("from", "imported").append("to", "lead")
                .append("at", Date.from(Instant.parse("2020-01-01T00:00:00Z"))).append("version", 0L));

        List<String> expected = List.of("activity:recent", "stage:->lead", "stage:imported>lead");
        relayed();
        assertThat(entries(http.get("/api/v1/contacts/" + ann + "/timeline"))).containsExactlyElementsOf(expected);
        List<String> paged = new ArrayList<>();
        String cursor = null;
        do {
            relayed();
            Http.Response page = http.get("/api/v1/deals/" + deal + "/timeline?limit=1"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            paged.addAll(entries(page));
            cursor = page.json().get("nextCursor").isNull() ? null : page.json().get("nextCursor").asString();
            assertThat(paged).as("the walk ends").hasSizeLessThan(20);
        } while (cursor != null);
        assertThat(paged).containsExactly("stage:->lead", "stage:imported>lead");
    }

    @Test
    void companyAndDealTimelines() {
        String otherDeal = create("/api/v1/deals", Map.of("title", "Unrelated"));
        activity("subject", "company note", "companyId", acme);
        activity("subject", "ann call", "contactId", ann);
        stage(deal, "proposal");
        activity("subject", "deal note", "dealId", deal);
        stage(otherDeal, "lost");

        relayed();
        assertThat(entries(http.get("/api/v1/companies/" + acme + "/timeline")))
                .containsExactly("stage:lead>proposal", "activity:company note", "stage:->lead");
        relayed();
        assertThat(entries(http.get("/api/v1/deals/" + deal + "/timeline")))
                .containsExactly("activity:deal note", "stage:lead>proposal", "stage:->lead");
        relayed();
        assertThat(entries(http.get("/api/v1/deals/" + otherDeal + "/timeline")))
                .containsExactly("stage:lead>lost", "stage:->lead");
    }

    @Test
    void archivedActivitiesAndDealsLeaveTheTimeline() {
        String note = activity("subject", "note", "contactId", ann);
        http.delete("/api/v1/activities/" + note);
        relayed();
        assertThat(entries(http.get("/api/v1/contacts/" + ann + "/timeline"))).containsExactly("stage:->lead");

        http.delete("/api/v1/deals/" + deal);
        relayed();
        assertThat(entries(http.get("/api/v1/contacts/" + ann + "/timeline"))).isEmpty();
        relayed();
        assertThat(entries(http.get("/api/v1/companies/" + acme + "/timeline"))).isEmpty();

        http.post("/api/v1/deals/" + deal + "/restore", Map.of());
        http.post("/api/v1/activities/" + note + "/restore", Map.of());
        relayed();
        assertThat(entries(http.get("/api/v1/contacts/" + ann + "/timeline")))
                .containsExactly("activity:note", "stage:->lead");
        // moving the deal to another company moves its history with it
        String globex = create("/api/v1/companies", Map.of("name", "Globex"));
        http.patch("/api/v1/deals/" + deal, Map.of("companyId", globex));
        relayed();
        assertThat(entries(http.get("/api/v1/companies/" + acme + "/timeline"))).isEmpty();
        relayed();
        assertThat(entries(http.get("/api/v1/companies/" + globex + "/timeline"))).containsExactly("stage:->lead");
    }

    @Test
    void pagingWalksEveryEntryOnceWhileNewOnesArrive() {
        for (int i = 0; i < 5; i++) {
            activity("subject", "note " + i, "contactId", ann);
            stage(deal, i % 2 == 0 ? "qualified" : "proposal");
        }
        relayed();
        Http.Response all = http.get("/api/v1/contacts/" + ann + "/timeline?limit=100");
        List<String> expected = new ArrayList<>();
        all.json().get("items").forEach(i -> expected.add(i.get("id").asString()));
        assertThat(expected).hasSize(11);

        List<String> seen = new ArrayList<>();
        String cursor = null;
        int n = 0;
        do {
            relayed();
            Http.Response page = http.get("/api/v1/contacts/" + ann + "/timeline?limit=3"
                    + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as(page.toString()).isEqualTo(200);
            assertThat(page.json().get("items").size()).isLessThanOrEqualTo(3);
            page.json().get("items").forEach(i -> seen.add(i.get("id").asString()));
            cursor = page.json().get("nextCursor").isNull() ? null : page.json().get("nextCursor").asString();
            // newer entries arriving during the walk land before the cursor: they never shift the pages
            activity("subject", "late " + n, "contactId", ann);
            stage(deal, n % 2 == 0 ? "negotiation" : "proposal");
            assertThat(++n).isLessThan(20);
        } while (cursor != null);

        assertThat(seen).containsExactlyElementsOf(expected);
        Set<String> unique = new HashSet<>(seen);
        assertThat(unique).hasSize(seen.size());
        assertThat(n).isEqualTo(4);
    }

    @Test
    void unknownRecordsAndBadParametersAreRejected() {
        for (String kind : List.of("contacts", "companies", "deals")) {
            assertThat(http.get("/api/v1/" + kind + "/0123456789abcdef01234567/timeline").status()).isEqualTo(404);
            Http.Response malformed = http.get("/api/v1/" + kind + "/nope/timeline");
            assertThat(malformed.status()).isEqualTo(404);
            assertThat(malformed.contentType()).startsWith("application/problem+json");
        }
        assertThat(http.get("/api/v1/contacts/" + ann + "/timeline?limit=0").status()).isEqualTo(400);
        assertThat(http.get("/api/v1/contacts/" + ann + "/timeline?limit=101").status()).isEqualTo(400);
        assertThat(http.get("/api/v1/contacts/" + ann + "/timeline?cursor=xyz").status()).isEqualTo(400);
        activity("subject", "a", "contactId", ann);
        activity("subject", "b", "contactId", ann);
        String listCursor = http.get("/api/v1/contacts?limit=1").json().get("nextCursor").asString();
        Http.Response foreign = http.get("/api/v1/contacts/" + ann + "/timeline?cursor=" + listCursor);
        assertThat(foreign.status()).isEqualTo(400);
        assertThat(foreign.contentType()).startsWith("application/problem+json");

        http.delete("/api/v1/contacts/" + bob);
        assertThat(http.get("/api/v1/contacts/" + bob + "/timeline").status()).isEqualTo(404);
        http.delete("/api/v1/companies/" + acme);
        assertThat(http.get("/api/v1/companies/" + acme + "/timeline").status()).isEqualTo(404);
        http.delete("/api/v1/deals/" + deal);
        assertThat(http.get("/api/v1/deals/" + deal + "/timeline").status()).isEqualTo(404);
    }
}
