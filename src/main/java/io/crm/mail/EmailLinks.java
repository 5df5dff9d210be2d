package io.crm.mail;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Optional;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.crm.security.ApiTokenService;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * Single-use, short-lived links sent by mail (sign-up after an invitation, password reset), in {@code email_links}.
 * The store keeps the SHA-256 of the link's 256-bit secret only, as it does for API tokens: a copy of the database
 * opens no account. Using a link marks it used in the same write that checks it is unused and unexpired, so two
 * clicks (or two replicas) cannot both use it.
 */
public class EmailLinks {

    public static final String COLLECTION = "email_links";
    public static final String INVITATION = "invitation";
    public static final String RESET = "reset";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MongoCollection<Document> links;
    private final Clock clock;

    public EmailLinks(MongoCollection<Document> links, Clock clock) {
        this.links = links;
        this.clock = clock;
    }

    /** A link secret: what the mail carries. */
    public record Issued(String token, String tokenHash) {
    }

    /** A new link of this purpose for the user, valid for {@code ttl}; earlier unused ones of that purpose end. */
    public Issued issue(String userId, String purpose, Duration ttl) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String hash = ApiTokenService.hash(token);
        Instant now = clock.instant();
        links.updateMany(Filters.and(Filters.eq("userId", userId), Filters.eq("purpose", purpose),
                Filters.eq("usedAt", null)), Updates.set("usedAt", Date.from(now)));
        links.insertOne(new Document("_id", new ObjectId()).append("tokenHash", hash).append("userId", userId)
                .append("purpose", purpose).append("createdAt", Date.from(now)).append("usedAt", null)
                .append("expireAt", Date.from(now.plus(ttl))));
        return new Issued(token, hash);
    }

    /** The user id of an unused, unexpired link of this purpose (the page asks for the password first). */
    public Optional<String> valid(String token, String purpose) {
        if (token == null || token.isBlank() || token.length() > 200) {
            return Optional.empty();
        }
        Document link = links.find(Filters.eq("tokenHash", ApiTokenService.hash(token))).first();
        Date now = Date.from(clock.instant());
        if (link == null || !purpose.equals(link.getString("purpose")) || link.getDate("usedAt") != null
                || !link.getDate("expireAt").after(now)) {
            return Optional.empty();
        }
        return Optional.of(link.getString("userId"));
    }

    /** Uses the link: the user id when it was unused and unexpired (and is used now), otherwise empty. */
    public Optional<String> use(String token, String purpose) {
        if (token == null || token.isBlank() || token.length() > 200) {
            return Optional.empty();
        }
        Date now = Date.from(clock.instant());
        Document link = links.findOneAndUpdate(Filters.and(Filters.eq("tokenHash", ApiTokenService.hash(token)),
                Filters.eq("purpose", purpose), Filters.eq("usedAt", null), Filters.gt("expireAt", now)),
                Updates.set("usedAt", now));
        return Optional.ofNullable(link).map(l -> l.getString("userId"));
    }

    /** Gives a used link back (the password chosen with it was refused, so the person may try again). */
    public void release(String token, String purpose) {
        links.updateOne(Filters.and(Filters.eq("tokenHash", ApiTokenService.hash(token)),
                Filters.eq("purpose", purpose)), Updates.set("usedAt", null));
    }
}
