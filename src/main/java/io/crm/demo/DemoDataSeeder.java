package io.crm.demo;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.crm.activity.ActivitySchema;
import io.crm.activity.ActivityService;
import io.crm.events.Actor;
import io.crm.company.CompanySchema;
import io.crm.company.CompanyService;
import io.crm.contact.ContactSchema;
import io.crm.contact.ContactService;
import io.crm.deal.DealPipeline;
import io.crm.deal.DealSchema;
import io.crm.deal.DealService;
import io.crm.security.SystemActor;
import io.crm.security.UserService;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.stereotype.Component;

/**
 * Demo data on request ({@code CRM_DEMO_DATA=true} or the program argument {@code --demo}): writes
 * {@link DemoDataset} once, into an empty database only, through the same services the API uses (validation,
 * timelines, audit log), as the actor {@code demo}. A database holding any contact, company, deal or activity is
 * refused with a warning; users alone (the first admin) do not count.
 *
 * <p>Replicas starting together on one database: each first inserts the marker document {@value #MARKER_ID} into
 * {@value #MARKER_COLLECTION}; the unique {@code _id} lets exactly one of them succeed, and only that one seeds. The
 * marker stays, so later starts know the demo is there.
 *
 * <p>Runs when the application is ready to start, after the start-up runners (the first admin exists by then and
 * owns the demo records), and before it reports ready, so /ready turns 200 only once the demo is there.
 */
@Component
public class DemoDataSeeder {

    public static final String MARKER_COLLECTION = "demo_data";
    static final String MARKER_ID = "seed";
    /** Who the audit log says made the demo records. */
    public static final Actor ACTOR = new Actor("demo", "demo");
    /** Any fixed number: the same seed gives the same demo. */
    static final long SEED = 14L;

    private static final Logger log = LoggerFactory.getLogger(DemoDataSeeder.class);

    /** What a call of {@link #seedIfEmpty} did. */
    public enum Outcome { SEEDED, ALREADY_SEEDED, OTHER_REPLICA, REFUSED_NOT_EMPTY }

    private final MongoDatabase db;
    private final CompanyService companies;
    private final ContactService contacts;
    private final DealService deals;
    private final ActivityService activities;
    private final UserService users;
    private final Clock clock;
    private final boolean requested;

    DemoDataSeeder(MongoTemplate mongo, CompanyService companies, ContactService contacts, DealService deals,
                   ActivityService activities, UserService users, Clock clock,
                   DemoProperties properties, ApplicationArguments args) {
        this.db = mongo.getDb();
        this.companies = companies;
        this.contacts = contacts;
        this.deals = deals;
        this.activities = activities;
        this.users = users;
        this.clock = clock;
        this.requested = requested(properties.enabled(), args);
    }

    /**
     * Whether demo data was asked for: the property, or {@code --demo} on the command line. Spring Boot reads
     * {@code --demo} as a property "demo" with an empty value, which nothing would bind, so it is read here;
     * {@code --demo=false} turns it off again.
     */
    static boolean requested(boolean property, ApplicationArguments args) {
        if (!args.containsOption("demo")) {
            return property;
        }
        List<String> values = args.getOptionValues("demo");
        return values.isEmpty() || values.stream().allMatch(v -> v.isBlank() || Boolean.parseBoolean(v.strip()));
    }

    @EventListener(ApplicationReadyEvent.class)
    void onReady() {
        if (!requested) {
            return;
        }
        try {
            seedIfEmpty();
        } catch (RuntimeException e) {
            // the service runs on without the demo; what was written stays (see the marker), nothing is retried
            log.error("demo data: seeding failed ({}: {}); the database may hold part of the demo. Start again with an "
                    + "empty database to get all of it", e.getClass().getSimpleName(), e.getMessage());
        }
    }

    /** Seeds the demo unless it is there already, another replica is seeding it, or the database holds records. */
    public Outcome seedIfEmpty() {
        MongoCollection<Document> markers = db.getCollection(MARKER_COLLECTION);
        Document marker = markers.find(Filters.eq("_id", MARKER_ID)).first();
        if (marker != null) {
            log.info("demo data: already seeded ({} at {}); nothing to do", marker.get("state"),
                    marker.get("startedAt"));
            return Outcome.ALREADY_SEEDED;
        }
        List<String> holding = collectionsHoldingRecords();
        if (!holding.isEmpty()) {
            if (markers.find(Filters.eq("_id", MARKER_ID)).first() != null) {
                // the records are the demo another replica began writing since the first look
                log.info("demo data: another replica is seeding it; nothing to do here");
                return Outcome.OTHER_REPLICA;
            }
            log.warn("demo data NOT seeded: the database already holds records ({}). Demo data is only ever written "
                    + "into an empty database, so that it cannot mix with real data. To see the demo, start with an "
                    + "empty database (a new CRM_DATA_DIR, or another database in MONGODB_URI); otherwise remove "
                    + "CRM_DEMO_DATA / --demo.", String.join(", ", holding));
            return Outcome.REFUSED_NOT_EMPTY;
        }
        try {
            markers.insertOne(new Document("_id", MARKER_ID).append("state", "seeding")
                    .append("startedAt", Date.from(clock.instant())));
        } catch (MongoWriteException e) {
            if (ErrorCategory.fromErrorCode(e.getCode()) == ErrorCategory.DUPLICATE_KEY) {
                log.info("demo data: another replica is seeding it; nothing to do here");
                return Outcome.OTHER_REPLICA;
            }
            throw e;
        }
        log.info("demo data: seeding an empty database as actor '{}'", ACTOR.name());
        Map<String, Integer> counts = SystemActor.run(ACTOR, this::write);
        markers.updateOne(Filters.eq("_id", MARKER_ID), Updates.combine(Updates.set("state", "seeded"),
                Updates.set("seededAt", Date.from(clock.instant())), Updates.set("counts", new Document(
                        new LinkedHashMap<>(counts)))));
        log.info("demo data: seeded {} companies, {} contacts, {} deals, {} activities", counts.get("companies"),
                counts.get("contacts"), counts.get("deals"), counts.get("activities"));
        return Outcome.SEEDED;
    }

    /** Which kinds of records the database holds (contacts and the legacy API's persons share a collection). */
    private List<String> collectionsHoldingRecords() {
        Map<String, String> kinds = new LinkedHashMap<>();
        kinds.put(ContactSchema.COLLECTION, "contacts / persons");
        kinds.put(CompanySchema.COLLECTION, "companies");
        kinds.put(DealSchema.COLLECTION, "deals");
        kinds.put(ActivitySchema.COLLECTION, "activities");
        List<String> holding = new ArrayList<>();
        kinds.forEach((collection, kind) -> {
            // archived records count too: any document at all
            if (db.getCollection(collection).find().limit(1).first() != null) {
                holding.add(kind);
            }
        });
        return holding;
    }

    private static final List<String> LOST_REASONS = List.of("Chose a competitor", "No budget", "No decision");

    /** A lost demo deal's reason: one of the configured reasons when there are some, else a plausible one. */
    private String lostReason(String dealId) {
        List<String> reasons = deals.lostReasons().isEmpty() ? LOST_REASONS : deals.lostReasons();
        return reasons.get(Math.floorMod(dealId.hashCode(), reasons.size()));
    }

    private Map<String, Integer> write() {
        DealPipeline seeded = deals.pipeline();
        DemoDataset data = DemoDataset.generate(SEED, clock.instant(), seeded.stages(), seeded.closedStages());
        Owners owners = new Owners(users);
        List<String> companyIds = new ArrayList<>();
        for (Map<String, Object> body : data.companies()) {
            companyIds.add(id(companies.create(owners.assign(body))));
        }
        List<String> contactIds = new ArrayList<>();
        for (DemoDataset.ContactSeed contact : data.contacts()) {
            Map<String, Object> body = new LinkedHashMap<>(contact.body());
            body.put("companyId", companyIds.get(contact.company()));
            contactIds.add(id(contacts.create(owners.assign(body))));
        }
        List<String> dealIds = new ArrayList<>();
        for (DemoDataset.DealSeed deal : data.deals()) {
            Map<String, Object> body = new LinkedHashMap<>(deal.body());
            body.put("companyId", companyIds.get(deal.company()));
            body.put("contactIds", deal.contacts().stream().map(contactIds::get).toList());
            String id = id(deals.create(owners.assign(body)));
            // moved along the pipeline as a user would, so the deal's timeline shows its stage changes
            DealPipeline pipeline = deals.pipeline();
            for (String stage : deal.stages().subList(1, deal.stages().size())) {
                deals.update(id, pipeline.isLost(stage) ? Map.of("stage", stage, "lostReason", lostReason(id))
                        : Map.of("stage", stage), null);
            }
            dealIds.add(id);
        }
        for (DemoDataset.ActivitySeed activity : data.activities()) {
            Map<String, Object> body = new LinkedHashMap<>(activity.body());
            body.put("contactId", contactIds.get(activity.contact()));
            body.put("companyId", companyIds.get(activity.company()));
            if (activity.deal() >= 0) {
                body.put("dealId", dealIds.get(activity.deal()));
            }
            activities.create(owners.assign(body));
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("companies", companyIds.size());
        counts.put("contacts", contactIds.size());
        counts.put("deals", dealIds.size());
        counts.put("activities", data.activities().size());
        return counts;
    }

    private static String id(Document saved) {
        return saved.getObjectId("_id").toHexString();
    }

    /**
     * The users who own the demo records, in turn: the enabled users there are (on a new instance, the first admin,
     * whose dashboard then lists the demo's tasks). With none (authentication off), the records are the actor's.
     */
    private static final class Owners {

        private final List<String> ids = new ArrayList<>();
        private int next;

        Owners(UserService users) {
            for (Document user : users.list(100, null).items()) {
                if (Boolean.TRUE.equals(user.getBoolean("enabled"))) {
                    ids.add(user.getObjectId("_id").toHexString());
                }
            }
        }

        Map<String, Object> assign(Map<String, Object> body) {
            if (ids.isEmpty()) {
                return body;
            }
            Map<String, Object> owned = new LinkedHashMap<>(body);
            owned.put("ownerId", ids.get(next++ % ids.size()));
            return owned;
        }
    }
}
