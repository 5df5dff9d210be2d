package io.crm.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crm.support.ApiTest;
import io.crm.support.RecordedCommands;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

/** The contact list and the deals board name each row's company with one query per page, not one per row. */
class RelatedNamesQueryTest extends ApiTest {

    @Test
    void onePageOneCompanyQuery() {
        List<String> companies = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            companies.add(http.post("/api/v1/companies", Map.of("name", "Firm " + i)).json().get("id").asString());
        }
        for (int i = 0; i < 8; i++) {
            String company = companies.get(i % companies.size());
            assertThat(http.post("/api/v1/contacts", Map.of("name", "Person " + i, "companyId", company)).status())
                    .isEqualTo(201);
            assertThat(http.post("/api/v1/deals", Map.of("title", "Deal " + i, "companyId", company)).status())
                    .isEqualTo(201);
        }
        WebSession admin = WebSession.signIn(http.base(), this.admin.getString("email"), PASSWORD);

        for (String page : List.of("/contacts", "/deals")) {
            RecordedCommands.startCapture();
            String body = admin.get(page).body();
            List<BsonDocument> commands = RecordedCommands.stopCapture();
            assertThat(body).as(page).contains("Firm 0", "Firm 1", "Firm 2", "Firm 3");
            List<BsonDocument> byId = commands.stream()
                    .filter(c -> c.containsKey("find") && c.getString("find").getValue().equals("companies"))
                    .filter(c -> c.getDocument("filter", new BsonDocument()).containsKey("_id"))
                    .toList();
            assertThat(byId).as("%s: company lookups by id", page).singleElement()
                    .satisfies(c -> assertThat(c.getDocument("filter").get("_id").isDocument()
                            && c.getDocument("filter").getDocument("_id").containsKey("$in")).isTrue());
        }
    }
}
