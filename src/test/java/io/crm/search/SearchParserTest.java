package io.crm.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import io.crm.property.CustomProperty;
import io.crm.property.PropertyType;
import io.crm.record.FieldError;
import io.crm.record.RecordException;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

class SearchParserTest {

    private static final String ME = new ObjectId().toHexString();
    private static final SearchSchemas.ObjectSchema DEALS = BuiltInSchemas.deals(List.of("lead", "won", "lost"));
    private static final SearchSchemas.ObjectSchema ACTIVITIES = BuiltInSchemas.activities();

    private static SearchRequest parse(SearchSchemas.ObjectSchema schema, Map<String, Object> body) {
        CustomProperty region = new CustomProperty("deals", "region", "Region", PropertyType.SELECT,
                List.of(new CustomProperty.Option("EMEA", "EMEA", 0), new CustomProperty.Option("APAC", "APAC", 1)),
                false, false, null, false);
        return new SearchParser(schema.with(schema == DEALS ? List.of(region) : List.of()), schema.sorts(), 100, ME)
                .parse(body);
    }

    private static List<String> errors(SearchSchemas.ObjectSchema schema, Map<String, Object> body) {
        try {
            parse(schema, body);
        } catch (RecordException.Invalid invalid) {
            assertThat(invalid.status()).isEqualTo(400);
            return invalid.errors().stream().map(FieldError::field).toList();
        }
        throw new AssertionError("accepted " + body);
    }

    private static Map<String, Object> filter(String property, String operator, Object value) {
        Map<String, Object> filter = new HashMap<>();
        filter.put("propertyName", property);
        filter.put("operator", operator);
        if (value != null) {
            filter.put("value", value);
        }
        return filter;
    }

    private static Map<String, Object> groups(List<?>... groups) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (List<?> filters : groups) {
            list.add(Map.of("filters", filters));
        }
        return Map.of("filterGroups", list);
    }

    @Test
    void readsTheHubSpotBodyIntoStoredValues() {
        SearchRequest request = parse(DEALS, Map.of(
                "filterGroups", List.of(Map.of("filters", List.of(
                        Map.of("propertyName", "stage", "operator", "IN", "values", List.of("lead", "won")),
                        filter("amount", "GTE", "10000"),
                        filter("custom.region", "EQ", "EMEA"),
                        filter("ownerId", "EQ", "me"))),
                        Map.of("filters", List.of(Map.of("propertyName", "expectedCloseDate", "operator", "BETWEEN",
                                "value", "2026-01-01", "highValue", "2026-03-31")))),
                "sorts", List.of(Map.of("propertyName", "title", "direction", "DESCENDING")),
                "query", "acme", "limit", 50, "after", "abc", "archived", true, "properties", List.of("title")));

        assertThat(request.groups()).hasSize(2);
        List<Condition> first = request.groups().get(0);
        assertThat(first).extracting(Condition::toString)
                .containsExactly("stage IN", "amount GTE", "custom.region EQ", "ownerId EQ");
        assertThat(first.get(0).values()).containsExactly("lead", "won");
        assertThat(first.get(1).value()).isEqualTo(new Decimal128(new BigDecimal("10000.00")));
        assertThat(first.get(2).property().custom()).isEqualTo("region");
        assertThat(first.get(3).value()).isEqualTo(ME);
        assertThat(request.groups().get(1).get(0).values()).containsExactly("2026-01-01", "2026-03-31");
        assertThat(request.sort().field()).isEqualTo("title");
        assertThat(request.sort().ascending()).isFalse();
        assertThat(request.query()).isEqualTo("acme");
        assertThat(request.limit()).isEqualTo(50);
        assertThat(request.after()).isEqualTo("abc");
        assertThat(request.archived()).isTrue();
    }

    @Test
    void anEmptyBodySearchesEverythingNewestFirst() {
        SearchRequest request = parse(DEALS, Map.of());
        assertThat(request.groups()).isEmpty();
        assertThat(request.sort().field()).isEqualTo("createdAt");
        assertThat(request.sort().ascending()).isFalse();
        assertThat(request.limit()).isEqualTo(SearchParser.DEFAULT_LIMIT);
        assertThat(request.archived()).isFalse();
        assertThat(parse(DEALS, Map.of("sorts", List.of(Map.of("propertyName", "updatedAt")))).sort().ascending())
                .as("HubSpot's default direction").isTrue();
    }

    @Test
    void booleansAcceptJsonAndTextAndMeNamesTheCaller() {
        assertThat(parse(ACTIVITIES, groups(List.of(filter("open", "EQ", "true")))).groups().get(0).get(0).value())
                .isEqualTo(true);
        assertThat(parse(ACTIVITIES, groups(List.of(filter("open", "EQ", false)))).groups().get(0).get(0).value())
                .isEqualTo(false);
        assertThat(parse(ACTIVITIES, groups(List.of(filter("assigneeId", "EQ", "me")))).groups().get(0).get(0)
                .value()).isEqualTo(ME);
        assertThat(errors(DEALS, groups(List.of(filter("companyId", "EQ", "me")))))
                .containsExactly("filterGroups[0].filters[0].value");
    }

    @Test
    void namesThePathOfEveryBadFilter() {
        assertThat(errors(DEALS, groups(List.of(
                filter("nope", "EQ", "x"),
                filter("amount", "CONTAINS_TOKEN", "1"),
                filter("amount", "GT", "abc"),
                filter("stage", "EQ", "signed"),
                filter("amount", "LIKE", "1"),
                filter("expectedCloseDate", "GT", "31/01/2026"),
                filter("closedAt", "LT", "2026-01-01"),
                filter("custom.region", "EQ", "LATAM"),
                filter("companyId", "EQ", "nope"),
                filter("title", "EQ", List.of("a")))))).containsExactly(
                "filterGroups[0].filters[0].propertyName",
                "filterGroups[0].filters[1].operator",
                "filterGroups[0].filters[2].value",
                "filterGroups[0].filters[3].value",
                "filterGroups[0].filters[4].operator",
                "filterGroups[0].filters[5].value",
                "filterGroups[0].filters[6].value",
                "filterGroups[0].filters[7].value",
                "filterGroups[0].filters[8].value",
                "filterGroups[0].filters[9].value");
        assertThat(errors(ACTIVITIES, groups(List.of(filter("open", "LT", true), filter("open", "EQ", "maybe")))))
                .containsExactly("filterGroups[0].filters[0].operator", "filterGroups[0].filters[1].value");
        assertThat(errors(ACTIVITIES, groups(List.of(filter("subject", "CONTAINS_TOKEN", "two words")))))
                .containsExactly("filterGroups[0].filters[0].value");
    }

    @Test
    void missingAndSurplusOperandsAreNamed() {
        Map<String, Object> between = filter("amount", "BETWEEN", "1");
        Map<String, Object> in = filter("stage", "IN", null);
        Map<String, Object> eq = filter("stage", "EQ", null);
        Map<String, Object> has = filter("stage", "HAS_PROPERTY", "lead");
        Map<String, Object> inString = new HashMap<>(filter("stage", "NOT_IN", null));
        inString.put("values", "lead");
        Map<String, Object> noOperator = new HashMap<>(Map.of("propertyName", "stage"));
        assertThat(errors(DEALS, groups(List.of(between, in, eq, has, inString, noOperator)))).containsExactly(
                "filterGroups[0].filters[0].highValue",
                "filterGroups[0].filters[1].values",
                "filterGroups[0].filters[2].value",
                "filterGroups[0].filters[3].value",
                "filterGroups[0].filters[4].values",
                "filterGroups[0].filters[5].operator");
    }

    @Test
    void enforcesTheLimits() {
        List<Object> six = new ArrayList<>();
        IntStream.range(0, 6).forEach(i -> six.add(Map.of("filters", List.of(filter("stage", "EQ", "lead")))));
        assertThat(errors(DEALS, Map.of("filterGroups", six))).containsExactly("filterGroups");
        List<Object> eleven = new ArrayList<>();
        IntStream.range(0, 11).forEach(i -> eleven.add(filter("stage", "EQ", "lead")));
        assertThat(errors(DEALS, groups(List.of(), eleven))).containsExactly("filterGroups[0].filters",
                "filterGroups[1].filters");
        List<Object> values = new ArrayList<>();
        IntStream.range(0, 101).forEach(i -> values.add(new ObjectId().toHexString()));
        assertThat(errors(DEALS, groups(List.of(Map.of("propertyName", "companyId", "operator", "IN",
                "values", values))))).containsExactly("filterGroups[0].filters[0].values");
        assertThat(parse(DEALS, groups(List.of(Map.of("propertyName", "companyId", "operator", "IN",
                "values", values.subList(0, 100))))).groups().get(0).get(0).values()).hasSize(100);
        assertThat(errors(DEALS, Map.of("limit", 0))).containsExactly("limit");
        assertThat(errors(DEALS, Map.of("limit", 101))).containsExactly("limit");
        assertThat(errors(DEALS, Map.of("limit", "50"))).containsExactly("limit");
        assertThat(parse(DEALS, Map.of("limit", 100)).limit()).isEqualTo(100);
    }

    @Test
    void refusesUnknownSortsAndMalformedShapes() {
        assertThat(errors(DEALS, Map.of("sorts", List.of(Map.of("propertyName", "currency"))))).containsExactly(
                "sorts[0].propertyName");
        assertThat(errors(DEALS, Map.of("sorts", List.of(Map.of("propertyName", "title", "direction", "UP")))))
                .containsExactly("sorts[0].direction");
        assertThat(errors(DEALS, Map.of("sorts", List.of(Map.of("propertyName", "title"),
                Map.of("propertyName", "createdAt"))))).containsExactly("sorts");
        assertThat(errors(DEALS, Map.of("sorts", "title"))).containsExactly("sorts");
        assertThat(errors(DEALS, Map.of("filterGroups", "stage=lead"))).containsExactly("filterGroups");
        assertThat(errors(DEALS, Map.of("filterGroups", List.of("stage")))).containsExactly("filterGroups[0]");
        assertThat(errors(DEALS, Map.of("filterGroups", List.of(Map.of("filters", "stage")))))
                .containsExactly("filterGroups[0].filters");
        assertThat(errors(DEALS, Map.of("filterGroups", List.of(Map.of("filters", List.of()))))).containsExactly(
                "filterGroups[0].filters");
        assertThat(errors(DEALS, Map.of("filterGroups", List.of(Map.of("filters", List.of("x"))))))
                .containsExactly("filterGroups[0].filters[0]");
        assertThat(errors(DEALS, Map.of("query", List.of("a"), "archived", "yes", "after", 5, "colour", "red")))
                .containsExactlyInAnyOrder("colour", "query", "after", "archived");
    }
}
