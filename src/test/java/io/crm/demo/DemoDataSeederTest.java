package io.crm.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.mongodb.client.model.Filters;
import io.crm.activity.ActivityService;
import io.crm.audit.AuditLog;
import io.crm.company.CompanyService;
import io.crm.contact.ContactService;
import io.crm.deal.DealProperties;
import io.crm.deal.DealService;
import io.crm.deal.StageChangeLog;
import io.crm.record.RecordMeta;
import io.crm.support.ApiTest;
import io.crm.support.RecordedCommands;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.DefaultApplicationArguments;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Demo data against the real services and store: what an empty database gets, that it is written once, that a
 * database with records is refused untouched, and that of replicas starting together only one seeds.
 */
@ExtendWith(OutputCaptureExtension.class)
class DemoDataSeederTest extends ApiTest {

    @Autowired
    private DemoDataSeeder seeder;
    @Autowired
    private DealProperties pipeline;
    @Autowired
    private Clock clock;
    @Autowired
    private CompanyService companies;
    @Autowired
    private ContactService contacts;
    @Autowired
    private DealService deals;
    @Autowired
    private ActivityService activities;

    @Test
    void anEmptyDatabaseGetsTheDemoThroughTheServicesAuditedAsDemo() {
        assertThat(seeder.seedIfEmpty()).isEqualTo(DemoDataSeeder.Outcome.SEEDED);

        assertThat(count("companies")).isEqualTo(50);
        assertThat(count("persons")).isEqualTo(300);
        assertThat(count("deals")).isEqualTo(80);
        assertThat(count("activities")).isEqualTo(400);

        Set<String> stages = new HashSet<>();
        Set<String> currencies = new HashSet<>();
        mongo.getCollection("deals").find().forEach(d -> {
            stages.add(d.getString("stage"));
            currencies.add(d.getString("currency"));
        });
        assertThat(stages).containsExactlyInAnyOrderElementsOf(pipeline.stages());
        assertThat(currencies).containsExactlyInAnyOrder("EUR", "USD");

        Date now = Date.from(clock.instant());
        long overdue = mongo.getCollection("activities").countDocuments(Filters.and(Filters.eq("type", "task"),
                Filters.exists("completedAt", false), Filters.lt("dueAt", now)));
        assertThat(overdue).isEqualTo(DemoDataset.OVERDUE_TASKS);
        assertThat(mongo.getCollection("activities").countDocuments(Filters.and(Filters.eq("type", "task"),
                Filters.exists("completedAt", true)))).isEqualTo(DemoDataset.DONE_TASKS);

        relayed();
        // every record was written by the actor demo, and every write has its applied audit event by demo
        for (String collection : List.of("companies", "persons", "deals", "activities")) {
            assertThat(mongo.getCollection(collection).countDocuments(Filters.ne(RecordMeta.CREATED_BY, "demo")))
                    .as(collection).isZero();
        }
        var events = mongo.getCollection(AuditLog.COLLECTION);
        assertThat(events.countDocuments(Filters.ne("actorId", "demo"))).as("events by others than demo")
                .isEqualTo(events.countDocuments(Filters.in("entityType", "user", "token")));
        assertThat(events.countDocuments(Filters.and(Filters.eq("actorId", "demo"), Filters.eq("action", "create"))))
                .isEqualTo(50 + 300 + 80 + 400);
        long stageMoves = mongo.getCollection(StageChangeLog.COLLECTION).countDocuments() - 80;
        assertThat(stageMoves).isPositive();
        assertThat(events.countDocuments(Filters.and(Filters.eq("actorId", "demo"), Filters.eq("action", "update"))))
                .isEqualTo(stageMoves);
        assertThat(events.countDocuments(Filters.ne("state", AuditLog.APPLIED))).isZero();
        JsonNode byDemo = http.get("/api/v1/audit?actorId=demo&limit=5").json().get("items");
        assertThat(byDemo).hasSize(5);
        assertThat(byDemo.get(0).get("actor").get("name").asString()).isEqualTo("demo");

        // the first admin owns the records: the dashboard's "my open tasks" is the demo's
        String adminId = admin.getObjectId("_id").toHexString();
        assertThat(activities.openTasksOf(adminId, 100)).hasSize(DemoDataset.OVERDUE_TASKS
                + DemoDataset.UPCOMING_TASKS);

        // the links hold and the timelines show them: a deal's timeline has its stage changes and activities
        Document movedDeal = mongo.getCollection("deals").find(Filters.eq("stage",
                pipeline.stages().get(pipeline.stages().size() - 1))).first();
        String dealId = movedDeal.getObjectId("_id").toHexString();
        JsonNode timeline = http.get("/api/v1/deals/" + dealId + "/timeline?limit=100").json().get("items");
        List<String> kinds = new ArrayList<>();
        timeline.forEach(e -> kinds.add(e.get("kind").asString()));
        assertThat(kinds).contains("stageChange");
        Document contact = mongo.getCollection("persons").find().first();
        assertThat(contact.getString("email")).endsWith(".example");
        Document company = mongo.getCollection("companies").find(Filters.eq("_id", contact.get("companyId")))
                .first();
        assertThat(contact.getString("email")).endsWith("@" + company.getString("domain"));
        assertThat(mongo.getCollection(DemoDataSeeder.MARKER_COLLECTION).find().first().getString("state"))
                .isEqualTo("seeded");
    }

    @Test
    void aSecondStartDoesNotSeedAgain(CapturedOutput output) {
        assertThat(seeder.seedIfEmpty()).isEqualTo(DemoDataSeeder.Outcome.SEEDED);
        relayed();
        long events = mongo.getCollection(AuditLog.COLLECTION).countDocuments();

        // a restart with --demo: the start-up hook finds the marker
        restartedWith("--demo").onReady();
        assertThat(seeder.seedIfEmpty()).isEqualTo(DemoDataSeeder.Outcome.ALREADY_SEEDED);

        assertThat(count("companies")).isEqualTo(50);
        assertThat(count("persons")).isEqualTo(300);
        assertThat(count("deals")).isEqualTo(80);
        assertThat(count("activities")).isEqualTo(400);
        relayed();
        assertThat(mongo.getCollection(AuditLog.COLLECTION).countDocuments()).isEqualTo(events);
        assertThat(output.getOut()).contains("demo data: already seeded");
    }

    @Test
    void aDatabaseWithOneContactIsRefusedAndNothingIsWritten(CapturedOutput output) {
        create("/api/v1/contacts", Map.of("name", "Real Customer", "email", "real@customer.example"));
        relayed();
        long events = mongo.getCollection(AuditLog.COLLECTION).countDocuments();

        restartedWith("--demo").onReady();
        assertThat(seeder.seedIfEmpty()).isEqualTo(DemoDataSeeder.Outcome.REFUSED_NOT_EMPTY);

        assertThat(count("persons")).isEqualTo(1);
        assertThat(count("companies")).isZero();
        assertThat(count("deals")).isZero();
        assertThat(count("activities")).isZero();
        assertThat(count(DemoDataSeeder.MARKER_COLLECTION)).isZero();
        relayed();
        assertThat(mongo.getCollection(AuditLog.COLLECTION).countDocuments()).isEqualTo(events);
        assertThat(output.getOut()).contains("WARN").contains("demo data NOT seeded: the database already holds "
                + "records (contacts / persons)").contains("start with an empty database");
    }

    @Test
    void usersAloneDoNotCountAsRecords() {
        // the test's admin exists; so does another user
        user(io.crm.security.Role.MEMBER);
        assertThat(seeder.seedIfEmpty()).isEqualTo(DemoDataSeeder.Outcome.SEEDED);
    }

    @Test
    void ofReplicasStartingTogetherExactlyOneSeeds() throws Exception {
        int replicas = 2;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(replicas);
        try {
            List<Future<DemoDataSeeder.Outcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < replicas; i++) {
                DemoDataSeeder replica = restartedWith("--demo");
                Callable<DemoDataSeeder.Outcome> run = () -> {
                    RecordedCommands.ignoreCurrentThread();
                    start.await();
                    return replica.seedIfEmpty();
                };
                outcomes.add(pool.submit(run));
            }
            start.countDown();
            List<DemoDataSeeder.Outcome> results = new ArrayList<>();
            for (Future<DemoDataSeeder.Outcome> outcome : outcomes) {
                results.add(outcome.get());
            }
            assertThat(results).containsOnlyOnce(DemoDataSeeder.Outcome.SEEDED);
            assertThat(results).filteredOn(r -> r != DemoDataSeeder.Outcome.SEEDED)
                    .allSatisfy(r -> assertThat(r).isIn(DemoDataSeeder.Outcome.OTHER_REPLICA,
                            DemoDataSeeder.Outcome.ALREADY_SEEDED, DemoDataSeeder.Outcome.REFUSED_NOT_EMPTY));
        } finally {
            pool.shutdownNow();
        }
        assertThat(count("companies")).isEqualTo(50);
        assertThat(count("persons")).isEqualTo(300);
        assertThat(count("deals")).isEqualTo(80);
        assertThat(count("activities")).isEqualTo(400);
    }

    @Test
    void demoIsAskedForByThePropertyOrTheDemoArgument() {
        assertThat(DemoDataSeeder.requested(false, new DefaultApplicationArguments())).isFalse();
        assertThat(DemoDataSeeder.requested(true, new DefaultApplicationArguments())).isTrue();
        assertThat(DemoDataSeeder.requested(false, new DefaultApplicationArguments("--demo"))).isTrue();
        assertThat(DemoDataSeeder.requested(false, new DefaultApplicationArguments("--demo=true"))).isTrue();
        assertThat(DemoDataSeeder.requested(true, new DefaultApplicationArguments("--demo=false"))).isFalse();
        assertThat(DemoDataSeeder.requested(false, new DefaultApplicationArguments("--demonstrate"))).isFalse();
    }

    @Test
    void withoutTheFlagTheStartUpHookWritesNothing() {
        new DemoDataSeeder(mongo, companies, contacts, deals, activities, users, clock, new DemoProperties(false),
                new DefaultApplicationArguments()).onReady();
        assertThat(count("companies")).isZero();
        assertThat(count(DemoDataSeeder.MARKER_COLLECTION)).isZero();
    }

    /** Another instance of the service, as a replica or a restart would start it, with these arguments. */
    private DemoDataSeeder restartedWith(String... args) {
        return new DemoDataSeeder(mongo, companies, contacts, deals, activities, users, clock, new DemoProperties(false),
                new DefaultApplicationArguments(args));
    }

    private long count(String collection) {
        return mongo.getCollection(collection).countDocuments();
    }
}
