package io.crm.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.crm.support.ApiTest;
import io.crm.support.Bodies;
import io.crm.support.Http;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The behaviours every v1 resource shares (create, read, merge patch, If-Match, archive/restore, list limits, sorts,
 * cursors, problem+json, media types), run against one resource by each subclass.
 */
public abstract class RecordApiContract extends ApiTest {

    /**
     * The resource under test: its collection path and collection, a required field with another valid value, an
     * optional text field with a valid value, a field with a value it rejects, and the allowed sort fields.
     */
    protected record Resource(String path, String collection, String requiredField, Object otherRequiredValue,
                              String optionalField, Object optionalValue, String invalidField, Object invalidValue,
                              List<String> sorts) {

        public static Resource at(String path, String collection) {
            return new Resource(path, collection, null, null, null, null, null, null, List.of());
        }

        public Resource required(String field, Object otherValue) {
            return new Resource(path, collection, field, otherValue, optionalField, optionalValue, invalidField,
                    invalidValue, sorts);
        }

        public Resource optional(String field, Object value) {
            return new Resource(path, collection, requiredField, otherRequiredValue, field, value, invalidField,
                    invalidValue, sorts);
        }

        public Resource invalid(String field, Object value) {
            return new Resource(path, collection, requiredField, otherRequiredValue, optionalField, optionalValue,
                    field, value, sorts);
        }

        public Resource sorts(String... fields) {
            return new Resource(path, collection, requiredField, otherRequiredValue, optionalField, optionalValue,
                    invalidField, invalidValue, List.of(fields));
        }
    }

    private final Resource resource;

    protected RecordApiContract(Resource resource) {
        this.resource = resource;
    }

    /** A valid create body; different {@code n} give bodies that do not collide on unique fields. */
    protected abstract Map<String, Object> validBody(int n);

    /** The collection path, e.g. /api/v1/companies. */
    protected final String path() {
        return resource.path();
    }

    /** The collection behind {@link #path()}, emptied between the cursor walks. */
    protected final String collectionOf() {
        return resource.collection();
    }

    protected final String requiredField() {
        return resource.requiredField();
    }

    protected final Object otherRequiredValue() {
        return resource.otherRequiredValue();
    }

    protected final String optionalField() {
        return resource.optionalField();
    }

    protected final Object optionalValue() {
        return resource.optionalValue();
    }

    protected final String invalidField() {
        return resource.invalidField();
    }

    protected final Object invalidValue() {
        return resource.invalidValue();
    }

    protected final List<String> sorts() {
        return resource.sorts();
    }

    protected Map<String, Object> body(int n, Object... extra) {
        Map<String, Object> body = new LinkedHashMap<>(validBody(n));
        body.putAll(Bodies.of(extra));
        return body;
    }

    /** Creates a record at {@link #path()} from inline fields and values, expecting 201; its JSON. */
    protected JsonNode created(Object... fieldsAndValues) {
        Http.Response created = http.post(path(), Bodies.of(fieldsAndValues));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        return created.json();
    }

    protected List<String> ids(Http.Response list) {
        assertThat(list.status()).as(list.toString()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        list.json().get("items").forEach(item -> ids.add(item.get("id").asString()));
        return ids;
    }

    protected static void assertProblem(Http.Response response, int status) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.contentType()).as(response.toString()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("status").asInt()).as(response.toString()).isEqualTo(status);
        assertThat(problem.get("title").asString()).as(response.toString()).isNotBlank();
        assertThat(problem.has("type")).as(response.toString()).isTrue();
        assertThat(problem.has("detail")).as(response.toString()).isTrue();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at io.crm");
    }

    /**
     * A problem produced by Spring MVC itself (wrong media type, unreadable JSON). These omit {@code type}, which
     * RFC 9457 reads as "about:blank"; present, it must be that.
     */
    protected static void assertFrameworkProblem(Http.Response response, int status) {
        assertThat(response.status()).as(response.toString()).isEqualTo(status);
        assertThat(response.contentType()).as(response.toString()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("status").asInt()).as(response.toString()).isEqualTo(status);
        assertThat(problem.get("title").asString()).as(response.toString()).isNotBlank();
        if (problem.has("type")) {
            assertThat(problem.get("type").asString()).isEqualTo("about:blank");
        }
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at io.crm");
    }

    @Test
    void createReturns201WithLocationEtagAndRecordShape() {
        Http.Response created = http.post(path(), validBody(1));

        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode json = created.json();
        String id = json.get("id").asString();
        assertThat(id).matches("[0-9a-f]{24}");
        assertThat(created.header("Location")).hasValueSatisfying(l -> assertThat(l).endsWith(path() + "/" + id));
        assertThat(created.header("ETag")).contains("\"1\"");
        assertThat(json.get("version").asLong()).isEqualTo(1);
        Instant createdAt = Instant.parse(json.get("createdAt").asString());
        // the service's clock, as stored (milliseconds)
        assertThat(createdAt).isEqualTo(clock.instant().truncatedTo(ChronoUnit.MILLIS));
        assertThat(json.get("createdAt").asString()).endsWith("Z");
        assertThat(Instant.parse(json.get("updatedAt").asString())).isEqualTo(createdAt);
        assertThat(json.has("archived")).isFalse();
        assertThat(json.has("_crm")).isFalse();

        Http.Response location = http.get(created.header("Location").orElseThrow().replace(http.base(), ""));
        assertThat(location.status()).isEqualTo(200);
        assertThat(location.json()).isEqualTo(json);
    }

    @Test
    void getReturnsRecordWithEtagOr404() {
        String id = create(path(), validBody(1));

        Http.Response found = http.get(path() + "/" + id);
        assertThat(found.status()).isEqualTo(200);
        assertThat(found.header("ETag")).contains("\"1\"");
        assertThat(found.json().get("id").asString()).isEqualTo(id);

        assertProblem(http.get(path() + "/0123456789abcdef01234567"), 404);
        assertProblem(http.get(path() + "/not-an-id"), 404);
        assertProblem(http.get(path() + "/" + id + "zz"), 404);
    }

    @Test
    void mergePatchChangesOnlyGivenFieldsAndBumpsVersion() {
        String id = create(path(), body(1, optionalField(), optionalValue()));
        clock.advance(Duration.ofMinutes(1));

        Http.Response patched = http.patch(path() + "/" + id, Map.of(requiredField(), otherRequiredValue()));

        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.header("ETag")).contains("\"2\"");
        JsonNode json = patched.json();
        assertThat(json.get("version").asLong()).isEqualTo(2);
        assertThat(json.get(requiredField()).asString()).isEqualTo(String.valueOf(otherRequiredValue()));
        assertThat(json.get(optionalField()).isNull()).isFalse();
        assertThat(Instant.parse(json.get("updatedAt").asString()))
                .isEqualTo(Instant.parse(json.get("createdAt").asString()).plus(Duration.ofMinutes(1)));
        assertThat(http.get(path() + "/" + id).json()).isEqualTo(json);
    }

    @Test
    void patchAcceptsApplicationJsonToo() {
        String id = create(path(), validBody(1));

        Http.Response patched = http.send("PATCH", path() + "/" + id, "application/json",
                Http.JSON.writeValueAsString(Map.of(requiredField(), otherRequiredValue())));

        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.json().get(requiredField()).asString()).isEqualTo(String.valueOf(otherRequiredValue()));
    }

    @Test
    void patchNullRemovesOptionalFieldButNotRequiredOne() {
        String id = create(path(), body(1, optionalField(), optionalValue()));
        Map<String, Object> removeOptional = new LinkedHashMap<>();
        removeOptional.put(optionalField(), null);

        Http.Response removed = http.patch(path() + "/" + id, removeOptional);
        assertThat(removed.status()).as(removed.toString()).isEqualTo(200);
        JsonNode field = removed.json().get(optionalField());
        assertThat(field == null || field.isNull()).isTrue();

        Map<String, Object> removeRequired = new LinkedHashMap<>();
        removeRequired.put(requiredField(), null);
        Http.Response rejected = http.patch(path() + "/" + id, removeRequired);
        assertThat(errorFields(rejected)).containsExactly(requiredField());
        assertThat(http.get(path() + "/" + id).json().get("version").asLong()).isEqualTo(2);
    }

    @Test
    void patchRejectsUnknownAndInvalidFieldsAllAtOnce() {
        String id = create(path(), validBody(1));

        Http.Response rejected = http.patch(path() + "/" + id, Map.of("noSuchField", 1, invalidField(), invalidValue()));

        assertThat(errorFields(rejected)).containsExactlyInAnyOrder("noSuchField", invalidField());
        assertThat(http.get(path() + "/" + id).json().get("version").asLong()).isEqualTo(1);
    }

    @Test
    void patchIgnoresEchoedServerFields() {
        Http.Response created = http.post(path(), validBody(1));
        String id = created.json().get("id").asString();

        Http.Response patched = http.patch(path() + "/" + id, Map.of("id", "0123456789abcdef01234567", "version", 99,
                "createdAt", "2000-01-01T00:00:00Z", requiredField(), otherRequiredValue()));

        assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
        assertThat(patched.json().get("id").asString()).isEqualTo(id);
        assertThat(patched.json().get("version").asLong()).isEqualTo(2);
        assertThat(patched.json().get("createdAt")).isEqualTo(created.json().get("createdAt"));
    }

    @Test
    void ifMatchWithStaleVersionIs412AndCurrentVersionSucceeds() {
        String id = create(path(), validBody(1));
        assertThat(http.patch(path() + "/" + id, Map.of(requiredField(), otherRequiredValue())).status())
                .isEqualTo(200);

        Http.Response stale = http.patch(path() + "/" + id, Map.of(requiredField(), otherRequiredValue()),
                "If-Match", "\"1\"");
        assertProblem(stale, 412);

        Http.Response current = http.patch(path() + "/" + id, Map.of(requiredField(), otherRequiredValue()),
                "If-Match", "\"2\"");
        assertThat(current.status()).as(current.toString()).isEqualTo(200);
        assertThat(current.header("ETag")).contains("\"3\"");

        assertProblem(http.delete(path() + "/" + id, "If-Match", "\"1\""), 412);
        assertThat(http.get(path() + "/" + id).status()).isEqualTo(200);
        assertThat(http.delete(path() + "/" + id, "If-Match", "W/\"3\"").status()).isEqualTo(204);
    }

    @Test
    void concurrentChangesNeverOverwriteEachOther() throws Exception {
        String id = create(path(), validBody(1));
        int writers = 6;

        // all based on version 1: exactly one may win, the others learn that they are stale
        List<Integer> sameBase = race(writers, i -> http.patch(path() + "/" + id,
                Map.of(requiredField(), otherRequiredValue() + " " + i), "If-Match", "\"1\"").status());
        assertThat(sameBase).containsOnly(200, 412);
        assertThat(sameBase).filteredOn(status -> status == 200).hasSize(1);
        assertThat(http.get(path() + "/" + id).json().get("version").asLong()).isEqualTo(2);

        // without If-Match each write is still atomic: every success is one version, none is lost silently
        List<Integer> blind = race(writers, i -> http.patch(path() + "/" + id,
                Map.of(requiredField(), otherRequiredValue() + " " + i)).status());
        assertThat(blind).isSubsetOf(200, 412);
        long successes = blind.stream().filter(status -> status == 200).count();
        assertThat(successes).isPositive();
        assertThat(http.get(path() + "/" + id).json().get("version").asLong()).isEqualTo(2 + successes);
    }

    /** Runs {@code n} calls at once (released together) and returns their results. */
    protected static <T> List<T> race(int n, java.util.function.IntFunction<T> call) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return call.apply(index);
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (java.util.concurrent.Future<T> future : futures) {
                results.add(future.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void patchOfUnknownOrMalformedIdIs404() {
        assertProblem(http.patch(path() + "/0123456789abcdef01234567", Map.of(requiredField(), otherRequiredValue())),
                404);
        assertProblem(http.patch(path() + "/xyz", Map.of(requiredField(), otherRequiredValue())), 404);
        assertProblem(http.delete(path() + "/xyz"), 404);
        assertProblem(http.post(path() + "/xyz/restore", Map.of()), 404);
    }

    @Test
    void deleteArchivesHidesAndRestoreBringsBack() {
        String keep = create(path(), validBody(1));
        String gone = create(path(), validBody(2));

        Http.Response deleted = http.delete(path() + "/" + gone);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.body()).isEmpty();

        assertProblem(http.get(path() + "/" + gone), 404);
        assertProblem(http.patch(path() + "/" + gone, Map.of(requiredField(), otherRequiredValue())), 404);
        assertProblem(http.delete(path() + "/" + gone), 404);
        assertThat(ids(http.get(path()))).containsExactly(keep);

        Http.Response archived = http.get(path() + "?archived=true");
        assertThat(ids(archived)).containsExactly(gone);
        JsonNode item = archived.json().get("items").get(0);
        assertThat(item.get("archived").asBoolean()).isTrue();
        assertThat(Instant.parse(item.get("archivedAt").asString())).isNotNull();
        assertThat(item.get("version").asLong()).isEqualTo(2);

        Http.Response restored = http.post(path() + "/" + gone + "/restore", Map.of());
        assertThat(restored.status()).as(restored.toString()).isEqualTo(200);
        assertThat(restored.header("ETag")).contains("\"3\"");
        assertThat(restored.json().has("archived")).isFalse();
        assertThat(http.get(path() + "/" + gone).status()).isEqualTo(200);
        assertThat(ids(http.get(path()))).containsExactlyInAnyOrder(keep, gone);
        assertThat(ids(http.get(path() + "?archived=true"))).isEmpty();

        Http.Response again = http.post(path() + "/" + gone + "/restore", Map.of());
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("version").asLong()).isEqualTo(3);
    }

    @Test
    void listLimitMustBeFrom1To100() {
        create(path(), validBody(1));
        for (String bad : List.of("0", "101", "-1", "abc", "1.5")) {
            assertProblem(http.get(path() + "?limit=" + bad), 400);
        }
        assertThat(ids(http.get(path() + "?limit=1"))).hasSize(1);
        assertThat(ids(http.get(path() + "?limit=100"))).hasSize(1);
    }

    @Test
    void listDefaultsTo20NewestFirst() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 22; i++) {
            created.add(create(path(), validBody(i)));
        }
        Http.Response first = http.get(path());
        List<String> newestFirst = new ArrayList<>(created);
        java.util.Collections.reverse(newestFirst);
        assertThat(ids(first)).containsExactlyElementsOf(newestFirst.subList(0, 20));
        assertThat(first.json().get("nextCursor").isNull()).isFalse();

        Http.Response second = http.get(path() + "?cursor=" + first.json().get("nextCursor").asString());
        assertThat(ids(second)).containsExactlyElementsOf(newestFirst.subList(20, 22));
        assertThat(second.json().get("nextCursor").isNull()).isTrue();
    }

    @Test
    void unknownSortOrBadCursorIs400() {
        create(path(), validBody(1));
        create(path(), validBody(2));
        assertProblem(http.get(path() + "?sort=nope"), 400);
        assertProblem(http.get(path() + "?sort=-nope"), 400);
        assertProblem(http.get(path() + "?sort=_id"), 400);
        assertProblem(http.get(path() + "?cursor=garbage!"), 400);
        assertProblem(http.get(path() + "?cursor=djEKLWNyZWF0ZWRBdAp6eg"), 400);

        String cursor = http.get(path() + "?limit=1&sort=createdAt").json().get("nextCursor").asString();
        assertThat(http.get(path() + "?limit=1&sort=createdAt&cursor=" + cursor).status()).isEqualTo(200);
        // a cursor belongs to one sort: reusing it with another is refused rather than silently skipping records
        assertProblem(http.get(path() + "?limit=1&sort=-createdAt&cursor=" + cursor), 400);
    }

    @Test
    void cursorWalkReturnsEveryRecordOnceWhileOthersAreInserted() {
        int next = 0;
        for (String field : sorts()) {
            for (String sort : List.of(field, "-" + field)) {
                mongo.getDb().getCollection(collectionOf()).deleteMany(new org.bson.Document());
                Set<String> existing = new HashSet<>();
                for (int i = 0; i < 7; i++) {
                    existing.add(create(path(), validBody(next++)));
                }
                List<String> seen = new ArrayList<>();
                String cursor = null;
                int pages = 0;
                do {
                    Http.Response page = http.get(path() + "?limit=2&sort=" + sort
                            + (cursor == null ? "" : "&cursor=" + cursor));
                    seen.addAll(ids(page));
                    JsonNode nextCursor = page.json().get("nextCursor");
                    cursor = nextCursor.isNull() ? null : nextCursor.asString();
                    create(path(), validBody(next++));
                    assertThat(++pages).as("walk ends").isLessThan(40);
                } while (cursor != null);
                assertThat(seen).as("sort " + sort).doesNotHaveDuplicates().containsAll(existing);
            }
        }
    }

    @Test
    void sortsOrderTheList() {
        for (String field : sorts()) {
            Http.Response asc = http.get(path() + "?sort=" + field);
            Http.Response desc = http.get(path() + "?sort=-" + field);
            assertThat(asc.status()).isEqualTo(200);
            assertThat(desc.status()).isEqualTo(200);
        }
        String a = create(path(), validBody(1));
        clock.advance(Duration.ofSeconds(1));
        String b = create(path(), validBody(2));
        assertThat(ids(http.get(path() + "?sort=createdAt"))).containsExactly(a, b);
        assertThat(ids(http.get(path() + "?sort=-createdAt"))).containsExactly(b, a);
        clock.advance(Duration.ofSeconds(1));
        http.patch(path() + "/" + a, Map.of(requiredField(), otherRequiredValue()));
        assertThat(ids(http.get(path() + "?sort=-updatedAt"))).containsExactly(a, b);
        assertThat(ids(http.get(path() + "?sort=updatedAt"))).containsExactly(b, a);
    }

    @Test
    void invalidCreateIs400ProblemWithFieldErrors() {
        Map<String, Object> body = new LinkedHashMap<>(validBody(1));
        body.remove(requiredField());
        body.put(invalidField(), invalidValue());
        body.put("bogus", "x");

        Http.Response rejected = http.post(path(), body);

        assertThat(errorFields(rejected)).containsExactlyInAnyOrder(requiredField(), invalidField(), "bogus");
        assertThat(rejected.json().get("title").asString()).isEqualTo("Validation failed");
        assertThat(ids(http.get(path()))).isEmpty();
    }

    @Test
    void wrongMediaTypeIs415AndMalformedJsonIs400() {
        String json = Http.JSON.writeValueAsString(validBody(1));
        assertFrameworkProblem(http.send("POST", path(), "text/plain", json), 415);
        assertFrameworkProblem(http.send("POST", path(), "application/xml", "<x/>"), 415);
        String id = create(path(), validBody(2));
        assertFrameworkProblem(http.send("PATCH", path() + "/" + id, "text/plain", "{}"), 415);

        assertFrameworkProblem(http.send("POST", path(), "application/json", "{\"broken\":"), 400);
        assertFrameworkProblem(http.send("POST", path(), "application/json", "[1,2]"), 400);
        assertFrameworkProblem(http.send("POST", path(), "application/json", ""), 400);
        assertThat(ids(http.get(path()))).containsExactly(id);
    }
}
