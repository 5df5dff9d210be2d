package io.crm.mail;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import io.crm.record.RecordException;
import org.bson.Document;

/**
 * A user's mail settings ({@code mail_preferences}, one document per user id): how long before a task is due its
 * reminder goes out ({@code reminderLead}: {@code due}, {@code 15m}, {@code 1h}, {@code 1d}), and whether the morning
 * digest comes. The digest's unsubscribe link carries a random per-user token (kept as it is: it can only turn the
 * digest off, and each digest must carry it).
 */
public class MailPreferences {

    public static final String COLLECTION = "mail_preferences";
    static final Map<String, Duration> LEADS = Map.of("due", Duration.ZERO, "15m", Duration.ofMinutes(15),
            "1h", Duration.ofHours(1), "1d", Duration.ofDays(1));
    public static final List<String> LEAD_NAMES = List.of("due", "15m", "1h", "1d");
    static final String DEFAULT_LEAD = "due";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MongoCollection<Document> preferences;

    public MailPreferences(MongoCollection<Document> preferences) {
        this.preferences = preferences;
    }

    /** A user's settings (the defaults when they never chose). */
    public record Settings(String reminderLead, boolean digest) {
        Duration lead() {
            return LEADS.get(reminderLead);
        }
    }

    public Settings get(String userId) {
        Document d = preferences.find(Filters.eq("_id", userId)).first();
        return d == null ? new Settings(DEFAULT_LEAD, true)
                : new Settings(d.getString("reminderLead") == null ? DEFAULT_LEAD : d.getString("reminderLead"),
                        d.getBoolean("digest", true));
    }

    /** Changes {reminderLead, digest} (either may be left out). */
    public Settings update(String userId, Map<String, Object> body) {
        List<org.bson.conversions.Bson> set = new java.util.ArrayList<>();
        for (String key : body.keySet()) {
            if (!key.equals("reminderLead") && !key.equals("digest")) {
                throw new RecordException.Invalid(key, "is not a mail setting (reminderLead, digest)");
            }
        }
        if (body.containsKey("reminderLead")) {
            Object lead = body.get("reminderLead");
            if (!(lead instanceof String s) || !LEADS.containsKey(s)) {
                throw new RecordException.Invalid("reminderLead", "must be one of due, 15m, 1h, 1d");
            }
            set.add(Updates.set("reminderLead", lead));
        }
        if (body.containsKey("digest")) {
            if (!(body.get("digest") instanceof Boolean digest)) {
                throw new RecordException.Invalid("digest", "must be true or false");
            }
            set.add(Updates.set("digest", digest));
        }
        if (!set.isEmpty()) {
            preferences.updateOne(Filters.eq("_id", userId), Updates.combine(set),
                    new com.mongodb.client.model.UpdateOptions().upsert(true));
        }
        return get(userId);
    }

    /** The user's unsubscribe token, made on first use. */
    String unsubscribeToken(String userId) {
        byte[] random = new byte[24];
        RANDOM.nextBytes(random);
        String fresh = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Document d = preferences.findOneAndUpdate(Filters.eq("_id", userId),
                Updates.setOnInsert("unsubscribeToken", fresh),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
        if (d.getString("unsubscribeToken") == null) {
            // a document made by update() before any digest: give it its token now
            preferences.updateOne(Filters.and(Filters.eq("_id", userId), Filters.eq("unsubscribeToken", null)),
                    Updates.set("unsubscribeToken", fresh));
            return preferences.find(Filters.eq("_id", userId)).first().getString("unsubscribeToken");
        }
        return d.getString("unsubscribeToken");
    }

    /** Turns the digest off for the user whose token this is; false for an unknown token. */
    public boolean unsubscribe(String token) {
        if (token == null || token.isBlank() || token.length() > 100) {
            return false;
        }
        return preferences.updateOne(Filters.eq("unsubscribeToken", token), Updates.set("digest", false))
                .getMatchedCount() == 1;
    }

    static Map<String, Object> toJson(Settings settings) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("reminderLead", settings.reminderLead());
        out.put("digest", settings.digest());
        return out;
    }
}
