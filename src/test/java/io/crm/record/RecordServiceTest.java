package io.crm.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.model.Filters;
import io.crm.events.Actor;
import io.crm.events.Actors;
import io.crm.audit.AuditLog;
import io.crm.events.EventSource;
import io.crm.support.PlainEvents;
import io.crm.support.TestMongo;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shared use-case steps and their order, without Spring: a minimal resource ("notes" with a title and a code
 * unique among live notes) over a real MongoDB-wire store.
 */
class RecordServiceTest {

    private static MongoClient client;

    private final List<String> calls = new ArrayList<>();
    private PlainEvents events;
    private Notes notes;

    @BeforeAll
    static void connect() {
        client = MongoClients.create(TestMongo.uri("record_service_test"));
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    @BeforeEach
    void freshCollection() {
        client.getDatabase("record_service_test").getCollection("notes").drop();
        events().drop();
        var db = client.getDatabase("record_service_test");
        db.getCollection(io.crm.events.HardDeletes.COLLECTION).drop();
        events = new PlainEvents(db, Actors.fixed(ALICE), Clock.systemUTC(),
                List.of(new EventSource("note", "notes")), List.of(new AuditLog(events())));
        RecordContext context = new RecordContext(events.outbox, events.deletes, USERS::contains, Clock.systemUTC(),
                RecordContext.Unique.NONE, db);
        notes = new Notes(new RecordStore(client.getDatabase("record_service_test").getCollection("notes"), "Note",
                Map.of(), Set.of("codeKey"), context));
    }

    private static final Actor ALICE = new Actor("64b000000000000000000001", "Alice");
    private static final String BOB = "64b000000000000000000002";
    private static final Set<String> USERS = Set.of(ALICE.id(), BOB);

    private static com.mongodb.client.MongoCollection<Document> events() {
        return client.getDatabase("record_service_test").getCollection("audit_events");
    }

    /** The audit trail once the relay has moved every pending event into it. */
    private com.mongodb.client.MongoCollection<Document> trail() {
        events.drain();
        return events();
    }

    @Test
    void everyWriteIsAuditedWithItsChangedFieldsAndStampsTheActor() {
        Document saved = notes.create(Map.of("title", "First", "code", "A1"));
        String id = saved.getObjectId("_id").toHexString();
        notes.update(id, Map.of("title", "Second"), null);
        notes.archive(id, null);
        notes.restore(id);

        List<Document> trail = trail().find(Filters.eq("entityId", id)).sort(new Document("_id", 1))
                .into(new ArrayList<>());
        assertThat(trail).extracting(e -> e.getString("action"))
                .containsExactly("create", "update", "archive", "restore");
        assertThat(trail).allSatisfy(e -> {
            assertThat(e.getString("state")).isEqualTo(AuditLog.APPLIED);
            assertThat(e.getString("actorId")).isEqualTo(ALICE.id());
            assertThat(e.getString("entityType")).isEqualTo("note");
        });
        assertThat(trail.get(1).getList("changes", Document.class)).singleElement().satisfies(change -> {
            assertThat(change.getString("field")).isEqualTo("title");
            assertThat(change.getString("old")).isEqualTo("First");
            assertThat(change.getString("new")).isEqualTo("Second");
        });
        assertThat(trail).extracting(e -> e.getLong("version")).containsExactly(1L, 2L, 3L, 4L);
        Document meta = RecordMeta.of(notes.get(id));
        assertThat(meta.getString("createdBy")).isEqualTo(ALICE.id());
        assertThat(meta.getString("updatedBy")).isEqualTo(ALICE.id());
        assertThat(meta.getString("ownerId")).isEqualTo(ALICE.id());
    }

    @Test
    void aRefusedWriteLeavesNoAuditEvent() {
        notes.create(Map.of("title", "First", "code", "A1"));
        assertThatThrownBy(() -> notes.create(Map.of("title", "Again", "code", "a1")))
                .isInstanceOf(RecordException.Duplicate.class);

        assertThat(trail().countDocuments()).isEqualTo(1);
    }

    @Test
    void theOwnerIsTheCreatorUnlessNamedAndMustBeAUser() {
        String id = notes.create(Map.of("title", "First", "ownerId", BOB)).getObjectId("_id").toHexString();
        assertThat(RecordMeta.of(notes.get(id)).getString("ownerId")).isEqualTo(BOB);

        notes.update(id, Map.of("ownerId", ALICE.id()), null);
        assertThat(RecordMeta.of(notes.get(id)).getString("ownerId")).isEqualTo(ALICE.id());
        assertThatThrownBy(() -> notes.update(id, Map.of("ownerId", "64b0000000000000000000ff"), null))
                .isInstanceOf(RecordException.Invalid.class);
        java.util.HashMap<String, Object> removal = new java.util.HashMap<>();
        removal.put("ownerId", null);
        assertThatThrownBy(() -> notes.update(id, removal, null)).isInstanceOf(RecordException.Invalid.class);
    }

    @Test
    void createValidatesChecksUniquenessStoresDerivedMetaThenReports() {
        Document saved = notes.create(Map.of("title", "First", "code", "A1"));

        assertThat(calls).containsExactly("newRecord", "checkUnique(null)", "derived", "created(1)");
        assertThat(RecordMeta.version(saved)).isEqualTo(1);
        assertThat(RecordMeta.of(saved).getString("codeKey")).isEqualTo("a1");
        assertThat(RecordMeta.of(saved).getString("search")).isEqualTo("first\u001fa1");
    }

    private static final String CODE_UNIQUE = "notes_code_unique";

    @Test
    void aUniqueIndexInForceRefusesTheWriteItselfWithTheRulesFieldAndNothingIsLookedUpFirst() {
        List<String> finds = java.util.Collections.synchronizedList(new ArrayList<>());
        com.mongodb.event.CommandListener listener = new com.mongodb.event.CommandListener() {
            @Override
            public void commandStarted(com.mongodb.event.CommandStartedEvent event) {
                if (event.getCommandName().equals("find")) {
                    finds.add(event.getCommand().getString("find").getValue());
                }
            }
        };
        try (MongoClient watched = MongoClients.create(com.mongodb.MongoClientSettings.builder()
                .applyConnectionString(new com.mongodb.ConnectionString(TestMongo.uri("record_service_test")))
                .addCommandListener(listener).build())) {
            var collection = watched.getDatabase("record_service_test").getCollection("notes");
            collection.createIndex(com.mongodb.client.model.Indexes.ascending(RecordMeta.META + ".codeKey"),
                    new com.mongodb.client.model.IndexOptions().name(CODE_UNIQUE).unique(true).sparse(true));
            RecordService.UniqueKey rule = new RecordService.UniqueKey(RecordMeta.META + ".codeKey", "code",
                    "A note with this code already exists");
            RecordContext context = new RecordContext(events.outbox, events.deletes, USERS::contains,
                    Clock.systemUTC(), (c, index) -> c.equals("notes") && index.equals(CODE_UNIQUE),
                    watched.getDatabase("record_service_test"));
            Notes indexed = new Notes(new RecordStore(collection, "Note", Map.of(CODE_UNIQUE, rule), Set.of("codeKey"),
                    context));
            String first = id(indexed.create(Map.of("title", "First", "code", "A1")));
            String second = id(indexed.create(Map.of("title", "Second", "code", "B2")));
            finds.clear();

            assertThatThrownBy(() -> indexed.create(Map.of("title", "Again", "code", "a1")))
                    .isInstanceOfSatisfying(RecordException.Duplicate.class,
                            d -> assertThat(d.field()).isEqualTo("code")).hasMessage(rule.message());
            assertThat(finds).as("the insert is the create's only round trip").isEmpty();
            // a change is a findAndModify, which reports the broken index as a command error, not a write error
            assertThatThrownBy(() -> indexed.update(second, Map.of("code", "a1"), null))
                    .isInstanceOf(RecordException.Duplicate.class).hasMessage(rule.message());
            indexed.archive(first, null);
            indexed.create(Map.of("title", "Taker", "code", "a1"));
            assertThatThrownBy(() -> indexed.restore(first)).isInstanceOf(RecordException.Duplicate.class);

            assertThat(trail().countDocuments()).as("3 creates and an archive; no refused write").isEqualTo(4);
        }
    }

    @Test
    void updatePatchesTheCurrentRecordAndChecksUniquenessAgainstOthersOnly() {
        String id = id(notes.create(Map.of("title", "First", "code", "A1")));
        notes.create(Map.of("title", "Second", "code", "B2"));
        calls.clear();

        Document saved = notes.update(id, Map.of("title", "Renamed"), 1L);

        assertThat(calls).containsExactly("patched(First)", "checkUnique(self)", "derived", "updated(1->2)");
        assertThat(saved.getString("title")).isEqualTo("Renamed");
        assertThatThrownBy(() -> notes.update(id, Map.of("code", "b2"), null))
                .isInstanceOf(RecordException.Duplicate.class).hasMessage("A note with this code already exists");
        assertThatThrownBy(() -> notes.update(id, Map.of("title", "Stale"), 1L))
                .isInstanceOf(RecordException.StaleVersion.class);
    }

    @Test
    void aBlindUpdateThatLosesARaceIsAppliedAgainToTheNewVersion() {
        String id = id(notes.create(Map.of("title", "First")));
        // another writer changes the record between this update's read and its write
        notes.beforeNextPatch = () -> notes.update(id, Map.of("code", "Z9"), null);

        Document saved = notes.update(id, Map.of("title", "Renamed"), null);

        assertThat(RecordMeta.version(saved)).isEqualTo(3);
        assertThat(saved.getString("title")).isEqualTo("Renamed");
        assertThat(saved.getString("code")).isEqualTo("Z9");
    }

    @Test
    void anUpdateNamingAVersionThatLosesARaceIsStale() {
        String id = id(notes.create(Map.of("title", "First")));
        notes.beforeNextPatch = () -> notes.update(id, Map.of("code", "Z9"), null);

        assertThatThrownBy(() -> notes.update(id, Map.of("title", "Renamed"), 1L))
                .isInstanceOf(RecordException.StaleVersion.class);
        assertThat(notes.get(id).getString("title")).isEqualTo("First");
    }

    @Test
    void archivedRecordsAreHiddenAndRestoredOnlyWhileTheirUniqueValuesAreFree() {
        String id = id(notes.create(Map.of("title", "First", "code", "A1")));
        notes.archive(id, null);

        assertThatThrownBy(() -> notes.get(id)).isInstanceOf(RecordException.NotFound.class)
                .hasMessage("Note not found");
        String taker = id(notes.create(Map.of("title", "Taker", "code", "a1")));
        assertThatThrownBy(() -> notes.restore(id)).isInstanceOf(RecordException.Duplicate.class);

        notes.archive(taker, null);
        Document restored = notes.restore(id);
        assertThat(RecordMeta.archived(restored)).isFalse();
        assertThat(RecordMeta.of(restored).getString("codeKey")).isEqualTo("a1");
        long version = RecordMeta.version(restored);
        assertThat(RecordMeta.version(notes.restore(id))).as("restoring a live record changes nothing")
                .isEqualTo(version);
        assertThatThrownBy(() -> notes.restore(new ObjectId().toHexString()))
                .isInstanceOf(RecordException.NotFound.class).hasMessage("Note not found");
    }

    @Test
    void listsInTheResourcesSortsNewestFirstByDefault() {
        String first = id(notes.create(Map.of("title", "b")));
        String second = id(notes.create(Map.of("title", "a")));

        assertThat(notes.list(new ByArchived(false), null, 10, null).items()).map(RecordServiceTest::id)
                .containsExactly(second, first);
        assertThat(notes.list(new ByArchived(false), "title", 10, null).items()).map(RecordServiceTest::id)
                .containsExactly(second, first);
        assertThatThrownBy(() -> notes.list(new ByArchived(false), "code", 10, null))
                .isInstanceOf(RecordException.BadQuery.class).hasMessageStartingWith("sort must be one of ");
    }

    @Test
    void createAllValidatesEachBodyChecksUniquenessForTheWholeBatchAndAuditsEveryStoredRecord() {
        notes.create(Map.of("title", "Existing", "code", "A1"));
        calls.clear();

        List<RecordService.Outcome> outcomes = notes.createAll(List.of(
                Map.of("title", "Taken", "code", "a1"),
                Map.of("title", ""),
                Map.of("title", "New", "code", "B2"),
                Map.of("title", "Same code in the batch", "code", "b2"),
                Map.of("title", "Plain")));

        assertThat(outcomes.get(0).error()).isInstanceOf(RecordException.Duplicate.class)
                .hasMessage("A note with this code already exists");
        assertThat(((RecordException.Duplicate) outcomes.get(0).error()).field()).isEqualTo("code");
        assertThat(outcomes.get(1).error()).isInstanceOf(RecordException.Invalid.class);
        assertThat(outcomes.get(3).error()).isInstanceOf(RecordException.Duplicate.class);
        assertThat(outcomes.get(2).saved().getString("title")).isEqualTo("New");
        assertThat(outcomes.get(4).saved().getString("title")).isEqualTo("Plain");
        assertThat(List.of(0, 1, 3)).allSatisfy(i -> assertThat(outcomes.get(i).saved()).isNull());
        assertThat(calls).containsSubsequence("created(1)", "created(1)");
        assertThat(calls).filteredOn(c -> c.startsWith("created")).hasSize(2);

        Document stored = notesCollection().find(Filters.eq("title", "New")).first();
        assertThat(RecordMeta.of(stored).getString("codeKey")).isEqualTo("b2");
        assertThat(RecordMeta.of(stored).getString("createdBy")).isEqualTo(ALICE.id());
        assertThat(RecordMeta.version(stored)).isEqualTo(1);
        // no record without its applied event, and no event without its record
        List<Document> trail = trail().find().into(new ArrayList<>());
        assertThat(trail).hasSize(3).allSatisfy(e -> {
            assertThat(e.getString("state")).isEqualTo(AuditLog.APPLIED);
            assertThat(e.getString("action")).isEqualTo("create");
            assertThat(notesCollection().countDocuments(Filters.eq("_id", new ObjectId(e.getString("entityId")))))
                    .isEqualTo(1);
        });
        assertThat(trail).filteredOn(e -> e.getString("entityId").equals(id(stored)))
                .singleElement().satisfies(e -> assertThat(e.getList("changes", Document.class))
                        .extracting(c -> c.getString("field")).contains("title", "code"));
    }

    @Test
    void aBatchRecordRefusedByAUniqueIndexIsNotStoredAndLeavesNoEvent() {
        notesCollection().createIndex(new Document(RecordMeta.META + ".codeKey", 1),
                new com.mongodb.client.model.IndexOptions().unique(true).sparse(true));
        notes.create(Map.of("title", "First", "code", "Z9"));
        // past the service's pre-check, as a racing writer would be: only the unique index can refuse it
        Document raced = notes.store().newDocument(new Document("title", "Raced").append("code", "z9"),
                new Document("codeKey", "z9"));
        Document fine = notes.store().newDocument(new Document("title", "Fine"), new Document());

        List<RuntimeException> outcomes = notes.store().insertMany(List.of(raced, fine));

        assertThat(outcomes.get(0)).isInstanceOf(RecordException.Duplicate.class);
        assertThat(outcomes.get(1)).isNull();
        assertThat(notesCollection().countDocuments()).isEqualTo(2);
        assertThat(trail().countDocuments(Filters.eq("entityId", id(raced)))).isZero();
        assertThat(events().find(Filters.eq("entityId", id(fine))).first().getString("state"))
                .isEqualTo(AuditLog.APPLIED);
    }

    private static com.mongodb.client.MongoCollection<Document> notesCollection() {
        return client.getDatabase("record_service_test").getCollection("notes");
    }

    private static String id(Document record) {
        return record.getObjectId("_id").toHexString();
    }

    private record ByArchived(boolean archived) implements RecordFilter {
        @Override
        public Bson toBson() {
            return Filters.and(RecordFilter.archivedAndText(archived, null));
        }
    }

    /** The resource's own steps, recording when the shared flow calls them. */
    private final class Notes extends RecordService<ByArchived> {

        private static final Schema SCHEMA = new Schema(List.of(
                Field.required("title", Fields.text(1, 100)),
                Field.optional("code", Fields.text(1, 10))));

        /** Runs once, inside the next patch step: a writer sneaking in between read and write. */
        Runnable beforeNextPatch;

        Notes(RecordStore store) {
            super(store, sortsBy("title", RecordMeta.META + ".titleKey"));
        }

        @Override
        protected Document newRecord(Map<String, Object> body) {
            calls.add("newRecord");
            return SCHEMA.create(body);
        }

        @Override
        protected Document patched(Document current, Map<String, Object> patch) {
            calls.add("patched(" + current.getString("title") + ")");
            Runnable sneak = beforeNextPatch;
            beforeNextPatch = null;
            if (sneak != null) {
                sneak.run();
            }
            return SCHEMA.patch(SCHEMA.ownFields(current), patch);
        }

        @Override
        public Schema schema() {
            return SCHEMA;
        }

        @Override
        public Map<String, Object> view(Document stored) {
            return SCHEMA.toJson(stored);
        }

        @Override
        protected Document derived(Document stored) {
            calls.add("derived");
            Document derived = new Document("titleKey", RecordMeta.sortKey(stored.get("title")))
                    .append("search", RecordMeta.searchText(stored.get("title"), stored.get("code")));
            if (stored.get("code") instanceof String code) {
                derived.append("codeKey", RecordMeta.sortKey(code));
            }
            return derived;
        }

        @Override
        protected void checkUnique(Document stored, ObjectId self) {
            calls.add("checkUnique(" + (self == null ? "null" : "self") + ")");
            if (stored.get("code") instanceof String code && !store.enforced(CODE_UNIQUE) && store.exists(Filters.and(
                    Filters.eq(RecordMeta.META + ".codeKey", RecordMeta.sortKey(code)),
                    Filters.eq(RecordMeta.ARCHIVED, false)), self)) {
                throw new RecordException.Duplicate("A note with this code already exists");
            }
        }

        @Override
        protected List<UniqueKey> uniqueKeys() {
            return List.of(new UniqueKey(RecordMeta.META + ".codeKey", "code", "A note with this code already exists"));
        }

        @Override
        protected void created(Document saved) {
            calls.add("created(" + RecordMeta.version(saved) + ")");
        }

        @Override
        protected void updated(Document before, Document saved) {
            calls.add("updated(" + RecordMeta.version(before) + "->" + RecordMeta.version(saved) + ")");
        }
    }
}
