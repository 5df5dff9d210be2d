package io.crm.security;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.crm.record.RecordException;
import org.bson.Document;
import org.bson.types.ObjectId;

/**
 * Two-factor sign-in with TOTP ({@link Totp}): enrolment (a secret confirmed by a first code, then ten recovery
 * codes shown once), verification, disabling, an admin's reset, and which roles must enrol.
 *
 * <p>Each code is usable once, across replicas: the user document keeps the last accepted time step, and a code is
 * accepted only by a conditional update that moves it forward ({@code lastStep < step}), so of two requests with the
 * same code (or an older one) only one can win. Recovery codes are high-entropy (80 random bits), so they are stored as
 * SHA-256 (a slow password hash buys nothing against 2^80 guesses) and spent by one atomic {@code $pull} of the hash,
 * which a second use finds gone.
 */
public class MfaService {

    public static final String ISSUER = "CRM";
    static final int RECOVERY_CODES = 10;
    private static final String SECRET = "secret";
    private static final String LAST_STEP = "lastStep";
    private static final String RECOVERY = "recovery";
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MongoCollection<Document> collection;
    private final UserService users;
    private final Clock clock;
    private final Set<Role> requiredRoles;

    public MfaService(MongoCollection<Document> collection, UserService users, Clock clock, Set<Role> requiredRoles) {
        this.collection = collection;
        this.users = users;
        this.clock = clock;
        this.requiredRoles = Set.copyOf(requiredRoles);
    }

    public static boolean enabled(Document user) {
        return user != null && user.get(UserService.TOTP) instanceof Document;
    }

    public boolean enabled(String userId) {
        return users.byId(userId).map(MfaService::enabled).orElse(false);
    }

    /** Whether this role must have a second factor before it may do anything (CRM_MFA_REQUIRED_ROLES). */
    public boolean requiredFor(Role role) {
        return role != null && requiredRoles.contains(role);
    }

    /** A new secret, held by the caller (the session) until the user confirms it with a code. */
    public String newSecret() {
        return Totp.newSecret();
    }

    public String uri(String email, String secret) {
        return Totp.uri(ISSUER, email, secret);
    }

    /**
     * Turns two-factor sign-in on with this secret, if {@code code} is its current code; returns the recovery codes,
     * which are shown once and kept only hashed. A wrong code: 400 on the field {@code code}.
     */
    public List<String> enable(String userId, String secret, String code) {
        Document user = users.get(userId);
        if (enabled(user)) {
            throw new RecordException.Conflict("Two-factor sign-in is already on");
        }
        OptionalLong step = Totp.matchingStep(secret, code, clock.instant());
        if (step.isEmpty()) {
            throw new RecordException.Invalid("code", "is not the current code of this secret");
        }
        List<String> codes = new ArrayList<>();
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < RECOVERY_CODES; i++) {
            String recovery = recoveryCode();
            codes.add(recovery);
            hashes.add(hash(recovery));
        }
        users.changeSecondFactor(userId, new Document(SECRET, secret).append(LAST_STEP, step.getAsLong())
                .append(RECOVERY, hashes).append("enabledAt", Date.from(clock.instant())), "enabled");
        return codes;
    }

    /**
     * Whether {@code code} is a current TOTP code of the user not used before, or one of their unused recovery codes;
     * either is spent by this call (on every replica). False for a user without a second factor.
     */
    public boolean verify(String userId, String code) {
        if (code == null || !ObjectId.isValid(userId)) {
            return false;
        }
        Document user = users.byId(userId).orElse(null);
        if (!enabled(user)) {
            return false;
        }
        Document totp = user.get(UserService.TOTP, Document.class);
        String typed = code.strip();
        if (typed.replace(" ", "").length() == Totp.DIGITS) {
            OptionalLong step = Totp.matchingStep(totp.getString(SECRET), typed, clock.instant());
            return step.isPresent() && collection.updateOne(Filters.and(Filters.eq("_id", user.get("_id")),
                            Filters.eq(UserService.TOTP + "." + SECRET, totp.getString(SECRET)),
                            Filters.lt(UserService.TOTP + "." + LAST_STEP, step.getAsLong())),
                    Updates.set(UserService.TOTP + "." + LAST_STEP, step.getAsLong())).getModifiedCount() == 1;
        }
        String hash = hash(typed);
        return collection.updateOne(Filters.and(Filters.eq("_id", user.get("_id")),
                        Filters.eq(UserService.TOTP + "." + RECOVERY, hash)),
                Updates.pull(UserService.TOTP + "." + RECOVERY, hash)).getModifiedCount() == 1;
    }

    /** The user turns it off, proving a current code or a recovery code (a stolen session alone cannot). */
    public void disable(String userId, String code) {
        if (!enabled(userId)) {
            return;
        }
        if (!verify(userId, code)) {
            throw new RecordException.Invalid("code", "is not a current code or an unused recovery code");
        }
        users.changeSecondFactor(userId, null, "disabled");
    }

    /** An admin removes a user's second factor (a lost phone): audited as {@code mfa: reset}. */
    public Document reset(String userId) {
        Document user = users.get(userId);
        if (!enabled(user)) {
            return user;
        }
        return users.changeSecondFactor(userId, null, "reset");
    }

    /** How many unused recovery codes the user has left. */
    public int recoveryCodesLeft(String userId) {
        return users.byId(userId).filter(MfaService::enabled)
                .map(u -> u.get(UserService.TOTP, Document.class).getList(RECOVERY, String.class).size()).orElse(0);
    }

    /** XXXX-XXXX-XXXX-XXXX from 32 unambiguous characters: 16 x 5 = 80 random bits. */
    static String recoveryCode() {
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            if (i > 0 && i % 4 == 0) {
                code.append('-');
            }
            code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }

    /** As typed, whatever the case, dashes or spaces. */
    static String hash(String recoveryCode) {
        // a high-entropy secret like an API token: the same plain SHA-256
        return ApiTokenService.hash(recoveryCode.replace("-", "").replace(" ", "").strip().toUpperCase(Locale.ROOT));
    }
}
