package io.crm.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.activity.ActivityService;
import io.crm.contact.ContactSchema;
import io.crm.contact.ContactService;
import io.crm.deal.DealService;
import io.crm.property.CustomProperties;
import io.crm.property.CustomProperty;
import io.crm.property.PropertyType;
import io.crm.record.RecordIndexes;
import io.crm.search.SearchPlanner.Kind;
import org.bson.BsonDocument;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/** The planner's choice of the leading condition, against index sets shaped like the declared ones. */
class SearchPlannerTest {

    private static final CustomProperty REGION = new CustomProperty("deals", "region", "Region", PropertyType.SELECT,
            List.of(new CustomProperty.Option("EMEA", "EMEA", 0)), false, false, null, false);
    private static final CustomProperty SEATS = new CustomProperty("deals", "seats", "Seats", PropertyType.NUMBER,
            List.of(), false, false, null, false);

    private static final SearchSchemas.ObjectSchema DEALS = BuiltInSchemas.deals(List.of("lead", "won"));
    private static final IndexCatalog DEAL_INDEXES = catalog(RecordIndexes.lists("deals", DealService.SORTS,
            DealService.FILTERS), List.of(CustomProperties.valuesIndex("deals"), SearchIndexes.owner("deals")));
    private static final CustomProperty NOTE = new CustomProperty("deals", "note", "Note", PropertyType.TEXT,
            List.of(), false, false, null, false);

    private static IndexCatalog catalog(List<IndexModel> declared, List<IndexModel> more) {
        List<IndexModel> all = new ArrayList<>(declared);
        all.addAll(more);
        return IndexCatalog.of(all);
    }

    private static SearchRequest request(SearchSchemas.ObjectSchema schema, String sort, boolean archived,
                                         List<Map<String, Object>>... groups) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (List<Map<String, Object>> filters : groups) {
            list.add(Map.of("filters", filters));
        }
        Map<String, Object> body = new HashMap<>(Map.of("filterGroups", list, "archived", archived,
                "sorts", List.of(Map.of("propertyName", sort))));
        return new SearchParser(schema.with(List.of(REGION, SEATS, NOTE)), schema.sorts(), 100, new ObjectId().toHexString()).parse(body);
    }

    private static Map<String, Object> f(String property, String operator, Object value) {
        return operator.equals("IN") ? Map.of("propertyName", property, "operator", operator, "values", value)
                : Map.of("propertyName", property, "operator", operator, "value", value);
    }

    private static List<String> leads(SearchPlanner.Plan plan) {
        return plan.branches().stream().map(b -> b.lead().kind() + (b.lead().condition() == null ? ""
                : " " + b.lead().condition())).toList();
    }

    private static String json(Bson filter) {
        return filter.toBsonDocument(BsonDocument.class, MongoClientSettings.getDefaultCodecRegistry()).toJson();
    }

    @Test
    void anIndexedEqualityLeadsAndTheRestIsResidual() {
        SearchPlanner.Plan plan = new SearchPlanner(DEAL_INDEXES).plan(request(DEALS, "createdAt", false,
                List.of(f("amount", "GTE", "10000"), f("custom.region", "EQ", "EMEA"), f("stage", "EQ", "won"))));
        assertThat(leads(plan)).containsExactly("INDEXED stage EQ");
        // a custom condition that does not lead keeps its residual on custom.<name>, and is stated on the attribute
        // entries too, so a planner can rule records out from index entries
        assertThat(json(plan.filter())).contains("{\"_crm.props\": {\"$elemMatch\": {\"k\": \"region\", \"v\": \"emea\"}}}")
                .contains("\"custom.region\": \"EMEA\"").contains("\"stage\": \"won\"")
                .contains("\"amount\": {\"$gte\"");
        // a walk states nothing on the entries: its conditions are all residual under $or
        assertThat(json(new SearchPlanner(DEAL_INDEXES).plan(request(DEALS, "createdAt", false,
                List.of(f("amount", "GT", "1"), f("custom.note", "GT", "m")))).filter())).doesNotContain("$elemMatch");
    }

    @Test
    void aCustomEqualityLeadsThroughTheAttributePatternAndKeepsItsResidual() {
        SearchPlanner.Plan plan = new SearchPlanner(DEAL_INDEXES).plan(request(DEALS, "title", false,
                List.of(f("amount", "GTE", "10000"), f("custom.region", "EQ", "EMEA"))));
        assertThat(leads(plan)).containsExactly("CUSTOM custom.region EQ");
        assertThat(json(plan.filter())).contains("{\"_crm.props\": {\"$elemMatch\": {\"k\": \"region\", \"v\": \"emea\"}}}")
                .contains("\"custom.region\": \"EMEA\"");
    }

    @Test
    void rangesOnBuiltInFieldsWalkTheSortIndexWithEveryConditionResidual() {
        SearchPlanner planner = new SearchPlanner(DEAL_INDEXES);
        SearchPlanner.Plan walk = planner.plan(request(DEALS, "createdAt", false,
                List.of(f("amount", "GT", "1"), f("stage", "NEQ", "won"), f("currency", "EQ", "EUR"))));
        assertThat(leads(walk)).containsExactly("WALK");
        // the conditions are filters on the walk, none an index bound
        assertThat(json(walk.filter())).startsWith("{\"$and\": [{\"_crm.archived\": false}, {\"$or\": [{\"$and\"");
        // a range on a custom number leads through the attribute pattern; one on custom text does not (its index
        // value is lower-cased, so it orders differently)
        assertThat(leads(planner.plan(request(DEALS, "createdAt", false,
                List.of(f("amount", "GT", "1"), f("custom.seats", "GT", 3)))))).containsExactly("CUSTOM custom.seats GT");
        assertThat(json(planner.plan(request(DEALS, "createdAt", false, List.of(f("custom.seats", "GT", 3))))
                .filter())).contains("{\"k\": \"seats\", \"v\": {\"$gt\": 3.0}}");
        assertThat(leads(planner.plan(request(DEALS, "createdAt", false,
                List.of(f("custom.note", "GT", "m")))))).containsExactly("WALK");
        // without the attribute-pattern index a custom equality cannot lead either
        IndexCatalog plain = IndexCatalog.of(RecordIndexes.lists("deals", DealService.SORTS, DealService.FILTERS));
        assertThat(leads(new SearchPlanner(plain).plan(request(DEALS, "createdAt", false,
                List.of(f("custom.region", "EQ", "EMEA")))))).containsExactly("WALK");
    }

    @Test
    void anEqualityWhoseIndexHasAnotherSortLeadsWithItsMatchesSorted() {
        SearchPlanner planner = new SearchPlanner(DEAL_INDEXES);
        assertThat(leads(planner.plan(request(DEALS, "createdAt", false, List.of(f("ownerId", "EQ", "me"),
                f("custom.region", "EQ", "EMEA")))))).containsExactly("INDEXED ownerId EQ");
        assertThat(leads(planner.plan(request(DEALS, "title", false, List.of(f("ownerId", "EQ", "me"),
                f("custom.region", "EQ", "EMEA")))))).containsExactly("INDEXED_UNSORTED ownerId EQ");
        assertThat(leads(planner.plan(request(DEALS, "title", false, List.of(f("ownerId", "EQ", "me"),
                f("stage", "EQ", "won")))))).containsExactly("INDEXED stage EQ");
    }

    @Test
    void prefersEqualityOverInAndFewerValues() {
        String company = new ObjectId().toHexString();
        SearchPlanner planner = new SearchPlanner(DEAL_INDEXES);
        assertThat(leads(planner.plan(request(DEALS, "createdAt", false, List.of(
                f("stage", "IN", List.of("lead", "won")), f("companyId", "EQ", company))))))
                .containsExactly("INDEXED companyId EQ");
        assertThat(leads(planner.plan(request(DEALS, "createdAt", false, List.of(
                f("stage", "IN", List.of("lead", "won")), f("contactIds", "IN", List.of(company)))))))
                .containsExactly("INDEXED contactIds IN");
        // an indexed built-in field leads before a custom property
        assertThat(leads(planner.plan(request(DEALS, "createdAt", false, List.of(
                f("custom.region", "EQ", "EMEA"), f("stage", "IN", List.of("lead", "won")))))))
                .containsExactly("INDEXED stage IN");
    }

    @Test
    void eachGroupIsAnOrBranchWithItsOwnLead() {
        SearchPlanner.Plan plan = new SearchPlanner(DEAL_INDEXES).plan(request(DEALS, "updatedAt", false,
                List.of(f("stage", "EQ", "won")), List.of(f("custom.region", "EQ", "EMEA")),
                List.of(f("title", "CONTAINS_TOKEN", "acme"))));
        assertThat(leads(plan)).containsExactly("INDEXED stage EQ", "CUSTOM custom.region EQ", "WALK");
        BsonDocument filter = plan.filter().toBsonDocument(BsonDocument.class,
                MongoClientSettings.getDefaultCodecRegistry());
        assertThat(filter.getArray("$or")).hasSize(3);
        // every branch carries the archived equality, so each can use its own index
        filter.getArray("$or").forEach(branch -> assertThat(branch.toString()).contains("_crm.archived"));
    }

    @Test
    void contactsEmailIsAUniquePointLookupWhileLiveAndAPatternWhenArchived() {
        SearchSchemas.ObjectSchema contacts = BuiltInSchemas.contacts();
        List<IndexModel> declared = new ArrayList<>(RecordIndexes.lists("contacts", ContactService.SORTS,
                Map.of("tag", "tags", "companyId", "companyId")));
        declared.add(new IndexModel(Indexes.ascending(ContactSchema.EMAIL_KEY),
                new IndexOptions().unique(true).sparse(true)));
        SearchPlanner planner = new SearchPlanner(IndexCatalog.of(declared));
        SearchPlanner.Plan live = planner.plan(request(contacts, "name", false,
                List.of(f("tags", "EQ", "vip"), f("email", "EQ", "Ann@Example.test"))));
        assertThat(leads(live)).containsExactly("UNIQUE email EQ");
        assertThat(json(live.filter())).contains("\"_crm.emailKey\": \"ann@example.test\"");
        SearchPlanner.Plan archived = planner.plan(request(contacts, "name", true,
                List.of(f("tags", "EQ", "vip"), f("email", "EQ", "Ann@Example.test"))));
        assertThat(leads(archived)).containsExactly("INDEXED tags EQ");
        assertThat(json(archived.filter())).contains("\"email\": {\"$regularExpression\"");
    }

    @Test
    void aContactsOpenTasksLeadOnTheContact() {
        SearchSchemas.ObjectSchema activities = BuiltInSchemas.activities();
        IndexCatalog catalog = IndexCatalog.of(RecordIndexes.lists("activities", ActivityService.SORTS,
                ActivityService.FILTERS));
        String contact = new ObjectId().toHexString();
        SearchPlanner.Plan plan = new SearchPlanner(catalog).plan(request(activities, "dueAt", false,
                List.of(f("open", "EQ", true), f("contactId", "EQ", contact))));
        assertThat(plan.branches().get(0).lead().kind()).isEqualTo(Kind.INDEXED);
        assertThat(json(plan.filter())).contains("\"_crm.open\": true").contains(contact);
    }

    @Test
    void tokensAreWholeWordsWithWildcards() {
        java.util.regex.Pattern acme = java.util.regex.Pattern.compile(SearchPlanner.token("acme"),
                java.util.regex.Pattern.CASE_INSENSITIVE);
        assertThat(acme.matcher("The ACME deal").find()).isTrue();
        assertThat(acme.matcher("acme-corp").find()).isTrue();
        assertThat(acme.matcher("acmeish").find()).isFalse();
        assertThat(acme.matcher("pacme").find()).isFalse();
        java.util.regex.Pattern domain = java.util.regex.Pattern.compile(SearchPlanner.token("*@example.com"),
                java.util.regex.Pattern.CASE_INSENSITIVE);
        assertThat(domain.matcher("ann@example.com").find()).isTrue();
        assertThat(domain.matcher("ann@example.community").find()).isFalse();
        java.util.regex.Pattern literal = java.util.regex.Pattern.compile(SearchPlanner.token("a.c"));
        assertThat(literal.matcher("abc").find()).as("quoted, not a regex").isFalse();
    }
}
