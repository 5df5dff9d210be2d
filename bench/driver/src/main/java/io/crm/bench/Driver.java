package io.crm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Pattern;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndReplaceOptions;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

/**
 * The benchmark's load program. Commands:
 * <ul>
 *   <li>{@code seed --uri U --n N --out DIR}: N companies, contacts and deals in the service's stored shape, ids
 *   written to DIR for the wrk scripts;</li>
 *   <li>{@code load --uri U --op OP --connections C --duration S --ids DIR}: the raw-driver "limit" of one API
 *   operation: the smallest MongoDB work that operation needs (one round trip), done by C threads for S seconds;
 *   prints one JSON line (requests, rps, p50/p99 ms, errors);</li>
 *   <li>{@code seed-scale --uri U --n N --out DIR}: the embedded store at scale (bench/scale.sh): N/10 companies, N
 *   contacts, N deals and 3N activities with tags, owners, stages and tasks spread out, ids written to DIR;</li>
 *   <li>{@code seed-original --uri U --into DB}: the seeded persons as the original Flask service stores them, in
 *   database DB of the same store, with a unique index on person_id (its GET /person/{id} lookup);</li>
 *   <li>{@code cleanup --uri U --ids DIR}: deletes the contacts the write benchmarks created;</li>
 *   <li>{@code insertmany --uri U --n N --batch B}: raw insertMany of N contact documents (the CSV-import limit);</li>
 *   <li>{@code webhooks --base URL ...}: change-to-delivered-webhook latency ({@link Webhooks}).</li>
 * </ul>
 */
public final class Driver {

    static final String SEP = "\u001f";
    /** The q term of the search benchmark (the wrk script uses the same one). */
    static final String SEARCH_TERM = "mar";
    static final String[] FIRST = {"Maria", "James", "Anna", "Mark", "Olivia", "Liam", "Sofia", "Noah", "Emma",
            "Lucas", "Marta", "Ethan", "Chloe", "Omar", "Hannah", "Leo", "Mia", "Martin", "Zoe", "Ivan"};
    static final String[] LAST = {"Smith", "Garcia", "Muller", "Rossi", "Novak", "Kim", "Silva", "Dubois", "Jensen",
            "Marsh", "Tanaka", "Kowalski", "Brown", "Lopez", "Nielsen", "Costa", "Weber", "Moreau", "Hill", "Park"};

    private Driver() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: seed|load|cleanup|insertmany --uri URI ... | webhooks --base URL ...");
            System.exit(2);
        }
        Map<String, String> opts = options(args);
        if (args[0].equals("webhooks")) {
            // talks to the service's HTTP API, not to the store; exits either way, since the receivers' server
            // threads would otherwise keep the JVM alive after a failure (a service that died under load)
            try {
                Webhooks.run(opts);
            } catch (Exception e) {
                e.printStackTrace();
                System.exit(1);
            }
            return;
        }
        String uri = require(opts, "uri");
        switch (args[0]) {
            case "seed" -> seed(uri, Integer.parseInt(opts.getOrDefault("n", "10000")), Path.of(require(opts, "out")));
            case "load" -> load(uri, require(opts, "op"), Integer.parseInt(require(opts, "connections")),
                    Double.parseDouble(opts.getOrDefault("duration", "10")),
                    Double.parseDouble(opts.getOrDefault("warmup", "1")), Path.of(require(opts, "ids")));
            case "cleanup" -> cleanup(uri, Path.of(require(opts, "ids")));
            case "seed-original" -> seedOriginal(uri, require(opts, "into"));
            case "seed-scale" -> seedScale(uri, Integer.parseInt(opts.getOrDefault("n", "100000")),
                    Path.of(require(opts, "out")));
            case "insertmany" -> insertMany(uri, Integer.parseInt(opts.getOrDefault("n", "100000")),
                    Integer.parseInt(opts.getOrDefault("batch", "1000")), opts.getOrDefault("into", "bench_import"));
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }

    // ---------------------------------------------------------------- seeding

    static void seed(String uri, int n, Path out) throws IOException {
        Files.createDirectories(out);
        try (MongoClient client = client(uri, 4)) {
            MongoDatabase db = database(client, uri);
            db.drop();
            long start = System.nanoTime();
            Instant base = Instant.now().minusSeconds(n + 60L);
            List<ObjectId> companies = new ArrayList<>(n);
            List<ObjectId> contacts = new ArrayList<>(n);
            List<String> personIds = new ArrayList<>(n);
            List<ObjectId> deals = new ArrayList<>(n);
            List<Document> batch = new ArrayList<>(1000);
            for (int i = 0; i < n; i++) {
                Document c = company(i, base.plusSeconds(i));
                companies.add(c.getObjectId("_id"));
                batch = flush(db.getCollection("companies"), batch, c);
            }
            flushAll(db.getCollection("companies"), batch);
            for (int i = 0; i < n; i++) {
                Document c = contact("bench-" + i, "user" + i + "@bench.example", name(i), companies.get(i),
                        base.plusSeconds(i));
                contacts.add(c.getObjectId("_id"));
                personIds.add(c.getString("person_id"));
                batch = flush(db.getCollection("persons"), batch, c);
            }
            flushAll(db.getCollection("persons"), batch);
            for (int i = 0; i < n; i++) {
                Document d = deal(i, companies.get(i), contacts.get(i), base.plusSeconds(i));
                deals.add(d.getObjectId("_id"));
                batch = flush(db.getCollection("deals"), batch, d);
            }
            flushAll(db.getCollection("deals"), batch);
            write(out.resolve("contacts.txt"), contacts.stream().map(ObjectId::toHexString).toList());
            write(out.resolve("persons.txt"), personIds);
            write(out.resolve("deals.txt"), deals.stream().map(ObjectId::toHexString).toList());
            write(out.resolve("companies.txt"), companies.stream().map(ObjectId::toHexString).toList());
            // every seeded record is older than this; what the write benchmarks add is newer (see cleanup)
            write(out.resolve("cutoff.txt"), List.of(Long.toString(Instant.now().minusSeconds(30).toEpochMilli())));
            System.out.printf(Locale.ROOT, "{\"seeded\":%d,\"seconds\":%.2f}%n", n,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    static final String[] TAGS = {"customer", "prospect", "partner", "vip", "churned", "newsletter", "event",
        "referral", "enterprise", "smb", "emea", "apac", "americas", "inbound", "outbound", "trial", "renewal",
        "upsell", "support", "press"};
    static final String[] STAGES = {"lead", "qualified", "proposal", "negotiation", "won", "lost"};
    static final String[] ACTIVITY_TYPES = {"note", "task", "call"};

    /**
     * The scale data set: spread the way a team's data is (20 tags, a contact in one or two; 20 owners; every deal
     * stage; a third of the activities open or done tasks), in the stored shape the service writes (ContactSchema,
     * DealSchema, ActivitySchema derived keys), inserted in batches of 1,000 straight into the store.
     */
    static void seedScale(String uri, int n, Path out) throws IOException {
        Files.createDirectories(out);
        try (MongoClient client = client(uri, 4)) {
            MongoDatabase db = database(client, uri);
            db.drop();
            long start = System.nanoTime();
            Instant base = Instant.now().minusSeconds(4L * n + 60);
            String[] owners = new String[20];
            for (int i = 0; i < owners.length; i++) {
                owners[i] = new ObjectId().toHexString();
            }
            int companyCount = Math.max(1, n / 10);
            List<ObjectId> companies = new ArrayList<>(companyCount);
            List<Document> batch = new ArrayList<>(1000);
            for (int i = 0; i < companyCount; i++) {
                Document c = company(i, base.plusSeconds(i));
                c.get("_crm", Document.class).append("ownerId", owners[i % owners.length]);
                companies.add(c.getObjectId("_id"));
                batch = flush(db.getCollection("companies"), batch, c);
            }
            flushAll(db.getCollection("companies"), batch);
            List<ObjectId> contacts = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String name = name(i) + " " + i;
                String email = "person" + i + "@scale.example";
                Document c = contact("scale-" + i, email, name, companies.get(i % companyCount), base.plusSeconds(i));
                List<String> tags = i % 3 == 0 ? List.of(TAGS[i % TAGS.length], TAGS[(i / 7 + 3) % TAGS.length])
                        : List.of(TAGS[i % TAGS.length]);
                c.put("tags", tags.stream().distinct().toList());
                Document meta = c.get("_crm", Document.class);
                custom(c, meta, i);
                meta.append("ownerId", owners[i % owners.length])
                        .append("matchKeys", List.of("email:" + email, "namephone:" + name.toLowerCase(Locale.ROOT)
                                + "|15550100"));
                contacts.add(c.getObjectId("_id"));
                batch = flush(db.getCollection("persons"), batch, c);
            }
            flushAll(db.getCollection("persons"), batch);
            for (int i = 0; i < n; i++) {
                Document d = deal(i, companies.get(i % companyCount), contacts.get(i), base.plusSeconds(2L * i));
                d.put("stage", STAGES[i % STAGES.length]);
                d.put("amount", Decimal128.parse((1000 + (i * 37L) % 99_000) + ".00"));
                d.put("currency", i % 4 == 0 ? "EUR" : "USD");
                d.put("pipelineId", DEFAULT_PIPELINE);
                d.get("_crm", Document.class).append("ownerId", owners[i % owners.length])
                        .append("amountKey", d.get("amount"));
                custom(d, d.get("_crm", Document.class), i + 7);
                batch = flush(db.getCollection("deals"), batch, d);
            }
            flushAll(db.getCollection("deals"), batch);
            Date noDueDate = Date.from(Instant.parse("9999-12-31T23:59:59Z"));
            for (int i = 0; i < 3 * n; i++) {
                String type = ACTIVITY_TYPES[i % ACTIVITY_TYPES.length];
                String subject = switch (type) {
                    case "task" -> "Follow up " + i;
                    case "call" -> "Call " + i;
                    default -> "Note " + i;
                };
                Instant at = base.plusSeconds(n + (long) i);
                Document a = new Document("_id", new ObjectId()).append("type", type).append("subject", subject)
                        .append("contactId", contacts.get(i / 3));
                boolean task = type.equals("task");
                boolean open = task && i % 2 == 0;
                if (task) {
                    a.append("dueAt", Date.from(at.plusSeconds(86_400)));
                    if (!open) {
                        a.append("completedAt", Date.from(at.plusSeconds(3_600)));
                    }
                }
                a.append("_crm", meta(at).append("ownerId", owners[(i / 3) % owners.length])
                        .append("dueKey", task ? a.get("dueAt") : noDueDate).append("open", open)
                        .append("search", (subject + SEP).toLowerCase(Locale.ROOT)));
                batch = flush(db.getCollection("activities"), batch, a);
            }
            flushAll(db.getCollection("activities"), batch);
            write(out.resolve("contacts.txt"), contacts.stream().map(ObjectId::toHexString).toList());
            write(out.resolve("companies.txt"), companies.stream().map(ObjectId::toHexString).toList());
            write(out.resolve("tags.txt"), List.of(TAGS));
            write(out.resolve("stages.txt"), List.of(STAGES));
            write(out.resolve("owners.txt"), List.of(owners));
            System.out.printf(Locale.ROOT, "{\"contacts\":%d,\"companies\":%d,\"deals\":%d,\"activities\":%d,"
                    + "\"seconds\":%.1f}%n", n, companyCount, n, 3 * n, (System.nanoTime() - start) / 1e9);
        }
    }

    /** The service's default pipeline (Pipelines.DEFAULT_ID), so its start-up migration finds nothing to do. */
    static final ObjectId DEFAULT_PIPELINE = new ObjectId("000000000000000000000001");

    /**
     * Ten custom properties of a contact or deal (the definitions bench/scale.sh creates through the API), stored as
     * the service stores them: {@code custom.<name>} and an attribute-pattern entry {@code _crm.props: {k, v}} each,
     * text lower-cased in v (PropertyType.indexValue). Selects spread evenly, so two conditions select about 1 in 12.
     */
    static void custom(Document record, Document meta, int i) {
        Document custom = new Document("region", REGIONS[i % REGIONS.length])
                .append("tier", TIERS[(i / 4) % TIERS.length])
                .append("segment", SEGMENTS[(i / 12) % SEGMENTS.length])
                .append("source", SOURCES[(i / 5) % SOURCES.length])
                .append("industry", INDUSTRIES[(i / 3) % INDUSTRIES.length])
                .append("language", LANGUAGES[(i / 7) % LANGUAGES.length])
                .append("score", (double) (i * 31 % 100))
                .append("seats", (double) (1 + i % 500))
                .append("nps", (double) (i % 11))
                .append("active", i % 3 != 0);
        List<Document> props = new ArrayList<>();
        custom.forEach((k, v) -> props.add(new Document("k", k)
                .append("v", v instanceof String s ? s.toLowerCase(Locale.ROOT) : v)));
        record.put("custom", custom);
        meta.append("props", props);
    }

    static final String[] REGIONS = {"EMEA", "AMER", "APAC", "LATAM"};
    static final String[] TIERS = {"gold", "silver", "bronze"};
    static final String[] SEGMENTS = {"smb", "mid", "enterprise"};
    static final String[] SOURCES = {"web", "referral", "event", "outbound", "partner"};
    static final String[] INDUSTRIES = {"Software", "Retail", "Banking", "Health", "Energy", "Logistics"};
    static final String[] LANGUAGES = {"English", "German", "French", "Spanish"};

    /**
     * The seeded contacts in the original's shape (its POST /person/{id} stores the body plus person_id: no meta, no
     * company link) in its own database. Its deployment has only the _id index, so its GET /person/{id} would scan;
     * the unique person_id index this adds gives it the same indexed lookup the service has, the fair comparison.
     */
    static void seedOriginal(String uri, String into) {
        try (MongoClient client = client(uri, 2)) {
            MongoDatabase source = database(client, uri);
            MongoCollection<Document> persons = client.getDatabase(into).getCollection("persons");
            persons.drop();
            persons.createIndex(new Document("person_id", 1), new com.mongodb.client.model.IndexOptions().unique(true));
            List<Document> batch = new ArrayList<>(1000);
            long count = 0;
            for (Document p : source.getCollection("persons").find(Filters.exists("person_id"))) {
                batch = flush(persons, batch, new Document("person_id", p.get("person_id")).append("name", p.get("name"))
                        .append("email", p.get("email")).append("phone", p.get("phone")));
                count++;
            }
            flushAll(persons, batch);
            System.out.printf(Locale.ROOT, "{\"original_persons\":%d}%n", count);
        }
    }

    private static List<Document> flush(MongoCollection<Document> collection, List<Document> batch, Document next) {
        batch.add(next);
        if (batch.size() >= 1000) {
            flushAll(collection, batch);
        }
        return batch;
    }

    private static void flushAll(MongoCollection<Document> collection, List<Document> batch) {
        if (!batch.isEmpty()) {
            collection.insertMany(batch);
            batch.clear();
        }
    }

    private static void write(Path file, List<String> lines) throws IOException {
        Files.write(file, lines);
    }

    static String name(long i) {
        return FIRST[(int) (i % FIRST.length)] + " " + LAST[(int) ((i / FIRST.length) % LAST.length)];
    }

    static Document meta(Instant at) {
        Date date = Date.from(at);
        return new Document("createdAt", date).append("updatedAt", date).append("version", 1L)
                .append("archived", false);
    }

    /** A contact in the service's stored shape (collection persons, see ContactSchema). */
    static Document contact(String personId, String email, String name, ObjectId companyId, Instant at) {
        String phone = "+1 555 0100";
        Document meta = meta(at).append("nameKey", name.toLowerCase(Locale.ROOT))
                .append("emailKey", email.toLowerCase(Locale.ROOT))
                .append("search", String.join(SEP, name, email, phone).toLowerCase(Locale.ROOT));
        Document doc = new Document("_id", new ObjectId()).append("person_id", personId).append("name", name)
                .append("email", email).append("phone", phone);
        if (companyId != null) {
            doc.append("companyId", companyId);
        }
        return doc.append("tags", List.of("bench")).append("_crm", meta);
    }

    static Document company(int i, Instant at) {
        String name = "Company " + i;
        String domain = "company" + i + ".example";
        Document meta = meta(at).append("nameKey", name.toLowerCase(Locale.ROOT)).append("domainKey", domain)
                .append("search", String.join(SEP, name, domain).toLowerCase(Locale.ROOT));
        return new Document("_id", new ObjectId()).append("name", name).append("domain", domain)
                .append("industry", "Software").append("tags", List.of("bench")).append("_crm", meta);
    }

    static Document deal(int i, ObjectId companyId, ObjectId contactId, Instant at) {
        String title = "Deal " + i;
        Document meta = meta(at).append("titleKey", title.toLowerCase(Locale.ROOT))
                .append("search", title.toLowerCase(Locale.ROOT));
        return new Document("_id", new ObjectId()).append("title", title)
                .append("amount", Decimal128.parse("1000.00")).append("currency", "USD").append("stage", "lead")
                .append("companyId", companyId).append("contactIds", List.of(contactId)).append("_crm", meta);
    }

    // ---------------------------------------------------------------- the limit

    /** One API operation's minimal database work. */
    interface Op {
        void run(ThreadLocalRandom random, long sequence);
    }

    static Op op(String name, MongoDatabase db, Path ids, String runTag) throws IOException {
        MongoCollection<Document> persons = db.getCollection("persons");
        MongoCollection<Document> deals = db.getCollection("deals");
        Bson newestFirst = Sorts.descending("_crm.createdAt", "_id");
        switch (name) {
            case "health" -> {
                // /health touches no database; its "limit" is the cheapest round trip there is
                Document ping = new Document("ping", 1);
                return (r, s) -> db.runCommand(ping);
            }
            case "person_get" -> {
                String[] personIds = Files.readAllLines(ids.resolve("persons.txt")).toArray(String[]::new);
                return (r, s) -> persons.find(Filters.eq("person_id", personIds[r.nextInt(personIds.length)]))
                        .first();
            }
            case "contact_get" -> {
                ObjectId[] contactIds = Files.readAllLines(ids.resolve("contacts.txt")).stream()
                        .map(ObjectId::new).toArray(ObjectId[]::new);
                return (r, s) -> persons.find(Filters.eq("_id", contactIds[r.nextInt(contactIds.length)])).first();
            }
            case "contact_list" -> {
                Bson live = Filters.eq("_crm.archived", false);
                return (r, s) -> persons.find(live).sort(newestFirst).limit(21).into(new ArrayList<>(21));
            }
            case "contact_search" -> {
                Bson search = Filters.and(Filters.eq("_crm.archived", false),
                        Filters.regex("_crm.search", Pattern.quote(SEARCH_TERM)));
                return (r, s) -> persons.find(search).sort(newestFirst).limit(21).into(new ArrayList<>(21));
            }
            case "person_post", "contact_post" -> {
                String prefix = "d" + runTag + "-" + name.charAt(0) + "-";
                return (r, s) -> persons.insertOne(contact(prefix + s, prefix + s + "@bench.example", name(s), null,
                        Instant.now()));
            }
            case "deal_patch" -> {
                ObjectId[] dealIds = Files.readAllLines(ids.resolve("deals.txt")).stream()
                        .map(ObjectId::new).toArray(ObjectId[]::new);
                FindOneAndUpdateOptions after = new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER);
                return (r, s) -> deals.findOneAndUpdate(Filters.eq("_id", dealIds[r.nextInt(dealIds.length)]),
                        Updates.combine(Updates.set("amount", new Decimal128(r.nextInt(1, 100_000))),
                                Updates.set("_crm.updatedAt", new Date()), Updates.inc("_crm.version", 1L)),
                        after);
            }
            // diagnostics (bench/run.sh --diag): the store's cost of the exact query shapes the service sends, to
            // split an API ratio into "query shape on this store" and "everything else in the service"
            case "diag_person_get_as_sent" -> {
                String[] personIds = Files.readAllLines(ids.resolve("persons.txt")).toArray(String[]::new);
                return (r, s) -> persons.find(Filters.and(
                                Filters.eq("person_id", personIds[r.nextInt(personIds.length)]),
                                Filters.ne("_crm.archived", true)))
                        .sort(Sorts.ascending("_id")).first();
            }
            case "diag_contact_post_as_sent" -> {
                // ContactService.create: the email uniqueness pre-check, then the insert
                String prefix = "d" + runTag + "-x-";
                return (r, s) -> {
                    String email = prefix + s + "@bench.example";
                    persons.find(Filters.and(Filters.eq("_crm.emailKey", email), Filters.eq("_crm.archived", false)))
                            .projection(new Document("_id", 1)).first();
                    persons.insertOne(contact(prefix + s, email, name(s), null, Instant.now()));
                };
            }
            case "diag_contact_post_key_only" -> {
                // the same pre-check on the live-only unique key alone (it exists only while a contact is live)
                String prefix = "d" + runTag + "-k-";
                return (r, s) -> {
                    String email = prefix + s + "@bench.example";
                    persons.find(Filters.eq("_crm.emailKey", email)).projection(new Document("_id", 1)).first();
                    persons.insertOne(contact(prefix + s, email, name(s), null, Instant.now()));
                };
            }
            case "diag_contact_list_as_sent" -> {
                // RecordStore.list wraps the filter in $and twice
                Bson live = Filters.and(Filters.and(Filters.eq("_crm.archived", false)));
                return (r, s) -> persons.find(live).sort(newestFirst).limit(21).into(new ArrayList<>(21));
            }
            case "diag_contact_post_plain_filter" -> {
                // the service's pre-check conditions as one plain filter document instead of $and
                String prefix = "d" + runTag + "-f-";
                return (r, s) -> {
                    String email = prefix + s + "@bench.example";
                    persons.find(new Document("_crm.emailKey", email).append("_crm.archived", false))
                            .projection(new Document("_id", 1)).first();
                    persons.insertOne(contact(prefix + s, email, name(s), null, Instant.now()));
                };
            }
            case "diag_person_get_plain_filter" -> {
                String[] personIds = Files.readAllLines(ids.resolve("persons.txt")).toArray(String[]::new);
                return (r, s) -> persons.find(new Document("person_id", personIds[r.nextInt(personIds.length)])
                        .append("_crm.archived", new Document("$ne", true))).sort(Sorts.ascending("_id")).first();
            }
            case "diag_person_get_no_sort" -> {
                String[] personIds = Files.readAllLines(ids.resolve("persons.txt")).toArray(String[]::new);
                return (r, s) -> persons.find(Filters.and(
                        Filters.eq("person_id", personIds[r.nextInt(personIds.length)]),
                        Filters.ne("_crm.archived", true))).first();
            }
            case "diag_deal_patch_plain_filter" -> {
                // RecordStore.replace's two round trips, the version condition as one plain filter document
                ObjectId[] dealIds = Files.readAllLines(ids.resolve("deals.txt")).stream()
                        .map(ObjectId::new).toArray(ObjectId[]::new);
                FindOneAndReplaceOptions after = new FindOneAndReplaceOptions().returnDocument(ReturnDocument.AFTER);
                return (r, s) -> {
                    ObjectId id = dealIds[r.nextInt(dealIds.length)];
                    Document current = deals.find(new Document("_id", id)).first();
                    if (current == null) {
                        return;
                    }
                    Document meta = new Document(current.get("_crm", Document.class));
                    long version = meta.get("version", Number.class).longValue();
                    meta.put("version", version + 1);
                    meta.put("updatedAt", new Date());
                    Document next = new Document(current);
                    next.put("amount", new Decimal128(r.nextInt(1, 100_000)));
                    next.put("_crm", meta);
                    deals.findOneAndReplace(new Document("_id", id).append("_crm.version", version), next, after);
                };
            }
            case "diag_deal_patch_as_sent" -> {
                // RecordStore.replace: read the deal, then replace it if its version did not move
                ObjectId[] dealIds = Files.readAllLines(ids.resolve("deals.txt")).stream()
                        .map(ObjectId::new).toArray(ObjectId[]::new);
                FindOneAndReplaceOptions after = new FindOneAndReplaceOptions().returnDocument(ReturnDocument.AFTER);
                return (r, s) -> {
                    ObjectId id = dealIds[r.nextInt(dealIds.length)];
                    Document current = deals.find(Filters.eq("_id", id)).first();
                    if (current == null) {
                        return;
                    }
                    Document meta = new Document(current.get("_crm", Document.class));
                    long version = meta.get("version", Number.class).longValue();
                    meta.put("version", version + 1);
                    meta.put("updatedAt", new Date());
                    Document next = new Document(current);
                    next.put("amount", new Decimal128(r.nextInt(1, 100_000)));
                    next.put("_crm", meta);
                    deals.findOneAndReplace(Filters.and(Filters.eq("_id", id), Filters.eq("_crm.version", version)),
                            next, after);
                };
            }
            default -> throw new IllegalArgumentException("unknown op " + name);
        }
    }

    static void load(String uri, String opName, int connections, double seconds, double warmupSeconds, Path ids)
            throws Exception {
        // not closed on purpose: the process exits right after printing, so operations still queued at a
        // saturated store never delay the result (the harness waits for the store to go idle before the next run)
        MongoClient client = client(uri, connections);
        MongoDatabase db = database(client, uri);
        String runTag = Long.toString(System.currentTimeMillis(), 36);
        Op op = op(opName, db, ids, runTag);
        AtomicLong sequence = new AtomicLong();
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicLong errors = new AtomicLong();
        // latencies of operations that completed inside the measured window (shared, lock-free)
        AtomicLongArray latencies = new AtomicLongArray(4_000_000);
        AtomicInteger recorded = new AtomicInteger();
        for (int t = 0; t < connections; t++) {
            Thread thread = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                while (true) {
                    long begin = System.nanoTime();
                    try {
                        op.run(random, sequence.incrementAndGet());
                    } catch (RuntimeException e) {
                        if (measuring.get()) {
                            errors.incrementAndGet();
                        }
                        continue;
                    }
                    if (measuring.get()) {
                        int slot = recorded.getAndIncrement();
                        if (slot < latencies.length()) {
                            latencies.set(slot, System.nanoTime() - begin);
                        }
                    }
                }
            }, "load-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        Thread.sleep((long) (warmupSeconds * 1000));
        // the client's own CPU inside the window: it shares the machine's cores with the store
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = os.getProcessCpuTime();
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        measuring.set(false);
        long elapsed = System.nanoTime() - start;
        long clientCpuMs = (os.getProcessCpuTime() - cpuStart) / 1_000_000;
        int total = Math.min(recorded.get(), latencies.length());
        long[] all = new long[total];
        for (int i = 0; i < total; i++) {
            all[i] = latencies.get(i);
        }
        Arrays.sort(all);
        double secs = elapsed / 1e9;
        System.out.printf(Locale.ROOT, "{\"op\":\"%s\",\"connections\":%d,\"requests\":%d,\"seconds\":%.3f,"
                        + "\"rps\":%.1f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"errors\":%d,\"client_cpu_ms\":%d}%n",
                opName, connections, total, secs, total / secs, percentile(all, 0.50) / 1e6,
                percentile(all, 0.99) / 1e6, errors.get(), clientCpuMs);
        System.out.flush();
        System.exit(0);
    }

    /** Removes what the write benchmarks added (everything created after the seed), so runs stay comparable. */
    static void cleanup(String uri, Path ids) throws IOException {
        Date cutoff = new Date(Long.parseLong(Files.readString(ids.resolve("cutoff.txt")).strip()));
        try (MongoClient client = client(uri, 2)) {
            long deleted = database(client, uri).getCollection("persons")
                    .deleteMany(Filters.gt("_crm.createdAt", cutoff)).getDeletedCount();
            System.out.printf(Locale.ROOT, "{\"cleanup\":%d}%n", deleted);
        }
    }

    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    // ---------------------------------------------------------------- insertMany (the CSV import limit)

    /**
     * The import's limit: the same contact documents written with insertMany, either into a collection of their own
     * (only the _id index) or into "persons", the contacts' collection with the service's unique indexes (email,
     * externalId), which an import has to maintain too; the rows written there are deleted again afterwards.
     */
    static void insertMany(String uri, int n, int batchSize, String into) {
        try (MongoClient client = client(uri, 2)) {
            MongoCollection<Document> target = database(client, uri).getCollection(into);
            boolean scratch = !into.equals("persons");
            if (scratch) {
                target.drop();
            }
            // documents built before the clock starts: this measures the store, not document building
            List<Document> docs = new ArrayList<>(n);
            List<ObjectId> ids = new ArrayList<>(n);
            Instant now = Instant.now();
            String run = Long.toString(System.nanoTime(), 36);
            for (int i = 0; i < n; i++) {
                Document doc = contact("imp-" + run + "-" + i, "imp" + run + "-" + i + "@bench.example", name(i),
                        null, now);
                docs.add(doc);
                ids.add(doc.getObjectId("_id"));
            }
            long start = System.nanoTime();
            for (int from = 0; from < n; from += batchSize) {
                target.insertMany(docs.subList(from, Math.min(n, from + batchSize)),
                        new InsertManyOptions().ordered(true));
            }
            double secs = (System.nanoTime() - start) / 1e9;
            long stored = target.countDocuments(Filters.in("_id", ids));
            if (scratch) {
                target.drop();
            } else {
                for (int from = 0; from < n; from += batchSize) {
                    target.deleteMany(Filters.in("_id", ids.subList(from, Math.min(n, from + batchSize))));
                }
            }
            System.out.printf(Locale.ROOT, "{\"op\":\"insertmany\",\"into\":\"%s\",\"rows\":%d,\"stored\":%d,"
                    + "\"batch\":%d,\"seconds\":%.3f,\"rows_per_s\":%.1f}%n", into, n, stored, batchSize, secs,
                    n / secs);
        }
    }

    // ---------------------------------------------------------------- plumbing

    static MongoClient client(String uri, int poolSize) {
        return MongoClients.create(MongoClientSettings.builder().applyConnectionString(new ConnectionString(uri))
                .applyToConnectionPoolSettings(p -> p.maxSize(Math.max(2, poolSize)).minSize(Math.max(1, poolSize)))
                .build());
    }

    static MongoDatabase database(MongoClient client, String uri) {
        String name = new ConnectionString(uri).getDatabase();
        return client.getDatabase(name == null ? "crm_db" : name);
    }

    static Map<String, String> options(String[] args) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--") && i + 1 < args.length) {
                opts.put(args[i].substring(2), args[++i]);
            }
        }
        return opts;
    }

    static String require(Map<String, String> opts, String name) {
        String value = opts.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return value;
    }
}
