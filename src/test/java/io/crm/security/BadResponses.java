package io.crm.security;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.crm.support.Http;
import org.bson.Document;

import org.springframework.data.mongodb.core.MongoTemplate;

/** What the bad-input tests hold every answer to, and how they see that the database did not change. */
final class BadResponses {

    private BadResponses() {
    }

    /** Leaks of internals an error body must not carry (a stack trace, exception or library names). */
    static final List<String> LEAKS = List.of("Exception", "\tat ", "at io.crm", "at org.", "java.lang",
            "tools.jackson", "com.mongodb", "org.bson", "trace");

    /** Null if the answer is a clean 4xx refusal in the API's own shape, else what is wrong with it. */
    static String refusal(String path, Http.Response response) {
        int status = response.status();
        if (status < 400 || status >= 500) {
            return "not a 4xx";
        }
        return shape(path, response);
    }

    /** Null if the answer is a 2xx, 3xx or a clean 4xx (never a 5xx, never internals in any body). */
    static String noServerError(String path, Http.Response response) {
        int status = response.status();
        if (status >= 500 || status < 200) {
            return "status " + status;
        }
        if (status >= 400) {
            return shape(path, response);
        }
        return leak(response.body());
    }

    private static String shape(String path, Http.Response response) {
        int status = response.status();
        String body = response.body();
        String leak = leak(body);
        if (leak != null) {
            return leak;
        }
        if (status == 405 && body.isEmpty()) {
            return "405 without a body";
        }
        if (isLegacy(path)) {
            return body.startsWith("{\"error\":") ? null : "legacy error without {\"error\"}";
        }
        return response.contentType().startsWith("application/problem+json") && body.contains("\"status\":" + status)
                && body.contains("\"title\":") ? null : "not problem+json";
    }

    private static String leak(String body) {
        for (String leak : LEAKS) {
            if (body.contains(leak)) {
                return "body leaks internals (" + leak + ")";
            }
        }
        return null;
    }

    /** The legacy API's paths, by the service's one rule ({@code /person;x=y} is one: MVC routes it there). */
    static boolean isLegacy(String target) {
        return io.crm.platform.web.Paths.LEGACY.matchesRaw(target.split("\\?", 2)[0]);
    }

    /**
     * Every collection's documents, sorted by id, without the fields reads may touch (token and sign-in use) and
     * without the sign-in throttle's counters, which a refused sign-in is meant to change. Taken once every pending
     * event has been relayed (the relay's own bookkeeping, its lease, is left out).
     */
    static Map<String, List<Document>> snapshot(MongoTemplate mongo, io.crm.events.EventRelay relay) {
        relay.drain(java.time.Duration.ofSeconds(20));
        Map<String, List<Document>> all = new TreeMap<>();
        for (String name : mongo.getDb().listCollectionNames()) {
            // bookkeeping of background work, not the request's doing
            if (name.equals(LoginThrottle.COLLECTION) || name.equals("shedLock") || name.equals("job_runs")) {
                continue;
            }
            List<Document> docs = mongo.getCollection(name).find().sort(new Document("_id", 1))
                    .into(new ArrayList<>());
            docs.forEach(d -> {
                d.remove("lastUsedAt");
                d.remove("lastUsedFrom");
                d.remove("lastLoginAt");
            });
            all.put(name, docs);
        }
        return all;
    }

    /** A digest of {@link #snapshot}: collection names, counts and every document's JSON. */
    static String fingerprint(MongoTemplate mongo, io.crm.events.EventRelay relay) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            snapshot(mongo, relay).forEach((name, docs) -> {
                sha.update((name + ":" + docs.size() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                docs.forEach(d -> sha.update(d.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            });
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
