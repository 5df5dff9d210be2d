package io.crm.security;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import io.crm.events.Change;
import io.crm.events.Outbox;
import io.crm.record.Field;
import io.crm.record.Fields;
import io.crm.json.JsonValues;
import io.crm.record.Page;
import io.crm.record.RecordException;
import io.crm.record.RecordMeta;
import io.crm.record.Schema;
import org.bson.Document;
import org.bson.types.ObjectId;

import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Users: who may sign in, with which role. Passwords are stored only as hashes (the delegating encoder: bcrypt by
 * default), every change is audited without the hash, and the last enabled admin can be neither demoted nor disabled.
 * Plain Java over the {@value #COLLECTION} collection.
 */
public class UserService {

    public static final String COLLECTION = "users";
    public static final String EMAIL_KEY = "emailKey";
    /** Set while the password is a one-time one, chosen by someone else: the user must change it to get in. */
    public static final String PASSWORD_CHANGE_REQUIRED = "mustChangePassword";
    /** {@value #SERVICE}: a service account (no password, no sign-in, tokens minted by an admin); absent: a person. */
    public static final String KIND = "kind";
    public static final String SERVICE = "service";
    public static final String PERSON = "person";
    /** The domain of service accounts' generated emails: reserved (RFC 2606), so nothing is ever delivered there. */
    static final String SERVICE_EMAIL_DOMAIN = "service.invalid";
    /** The zone the web UI shows the user's dates in (an IANA name); absent: the browser's. */
    public static final String TIME_ZONE = "timeZone";
    /** The single sign-on identity a user is linked to: {issuer, subject}, as the provider names them. */
    public static final String SSO = "sso";
    /** The second factor (MfaService): {secret, lastStep, recovery: [sha-256 hex], enabledAt}; absent: none. */
    public static final String TOTP = "totp";
    static final int MIN_PASSWORD = 12;
    /** bcrypt reads at most 72 bytes; longer passwords are refused rather than silently cut. */
    static final int MAX_PASSWORD_BYTES = 72;

    private static final Schema CREATE = new Schema(List.of(
            Field.required("email", Fields.email()),
            Field.required("displayName", Fields.text(1, 200)),
            Field.required("role", role()),
            Field.required("password", password())));
    private static final Schema SSO_CREATE = new Schema(List.of(
            Field.required("email", Fields.email()),
            Field.required("displayName", Fields.text(1, 200)),
            Field.required("role", role())));
    private static final Schema CREATE_SERVICE = new Schema(List.of(
            Field.required(KIND, kind()),
            Field.required("displayName", Fields.text(1, 200)),
            Field.required("role", role())));
    private static final Schema PATCH = new Schema(List.of(
            Field.optional("displayName", Fields.text(1, 200)),
            Field.optional("role", role()),
            Field.optional("enabled", Fields.bool()),
            Field.optional("password", password())));

    private final MongoCollection<Document> users;
    private final PasswordEncoder encoder;
    private final Outbox outbox;
    private final Clock clock;
    private final List<UserDisabledListener> disabledListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<UserDisabledListener> accessListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<UserDisabledListener> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public UserService(MongoCollection<Document> users, PasswordEncoder encoder, Outbox outbox, Clock clock) {
        this.users = users;
        this.encoder = encoder;
        this.outbox = outbox;
        this.clock = clock;
    }

    /** Registers what must happen when a user is disabled or their password reset (revoke tokens). */
    public void onDisabled(UserDisabledListener listener) {
        disabledListeners.add(listener);
    }

    /**
     * Registers what must happen when a user's access changes (disabled, another role, a new password): signed-in
     * sessions carry the role they signed in with, so they end and the user signs in again. Tokens read the role from
     * the user (through a cache of a few seconds that {@link #onChanged} empties).
     */
    public void onAccessChanged(UserDisabledListener listener) {
        accessListeners.add(listener);
    }

    /** Registers what must happen after any change of a user is stored (a cached copy of the user is dropped). */
    public void onChanged(UserDisabledListener listener) {
        changeListeners.add(listener);
    }

    /** Told when a user is disabled: their sessions and tokens end at once. */
    @FunctionalInterface
    public interface UserDisabledListener {
        void disabled(String userId);
    }

    /** How many users there are (the collection's count, no scan: only "none or some" matters to callers). */
    public long count() {
        return users.estimatedDocumentCount();
    }

    public Optional<Document> byId(String id) {
        if (id == null || !ObjectId.isValid(id)) {
            return Optional.empty();
        }
        return Optional.ofNullable(users.find(Filters.eq("_id", new ObjectId(id))).first());
    }

    /** The user's own time zone for the web UI, as stored; null when none is chosen (or there is no such user). */
    public String timeZone(String id) {
        return byId(id).map(user -> user.getString(TIME_ZONE)).orElse(null);
    }

    public Document get(String id) {
        return byId(id).orElseThrow(() -> new RecordException.NotFound("User"));
    }

    public boolean exists(String id) {
        return byId(id).isPresent();
    }

    public Optional<Document> byEmail(String email) {
        if (email == null || email.isBlank() || email.length() > 254) {
            return Optional.empty();
        }
        return Optional.ofNullable(users.find(Filters.eq(EMAIL_KEY, emailKey(email))).first());
    }

    /**
     * Creates a user from an API body {email, displayName, role, password}. A password that an admin chose is a
     * one-time one: the user changes it at their first sign-in.
     */
    public Document create(Map<String, Object> body) {
        return create(body, true);
    }

    /** Creates a user; {@code oneTimePassword}: the user must change it before doing anything else. */
    public Document create(Map<String, Object> body, boolean oneTimePassword) {
        Object kind = body.get(KIND);
        if (SERVICE.equals(kind)) {
            return createService(body);
        }
        if (kind != null) {
            if (!PERSON.equals(kind)) {
                throw new RecordException.Invalid(KIND, "must be person or service");
            }
            body = new LinkedHashMap<>(body);
            body.remove(KIND);
        }
        Document input = CREATE.create(body);
        Document user = newUser(input.getString("email"), input.getString("displayName"), input.getString("role"))
                .append("passwordHash", encoder.encode(input.getString("password")))
                .append(PASSWORD_CHANGE_REQUIRED, oneTimePassword);
        if (byEmail(input.getString("email")).isPresent()) {
            throw new RecordException.Duplicate("A user with this email already exists");
        }
        return insert(user, visible(user));
    }

    /** A new enabled user's common fields (no password, no one-time password); the caller adds the rest. */
    private Document newUser(String email, String displayName, String role) {
        Date now = Date.from(clock.instant());
        String actor = outbox.actor().id();
        return new Document("_id", new ObjectId())
                .append("email", email)
                .append(EMAIL_KEY, emailKey(email))
                .append("displayName", displayName)
                .append("role", role)
                .append("enabled", true)
                .append(PASSWORD_CHANGE_REQUIRED, false)
                .append("createdAt", now)
                .append("lastLoginAt", null)
                .append(RecordMeta.META, new Document("version", 1L).append("archived", false)
                        .append("createdAt", now).append("updatedAt", now)
                        .append("createdBy", actor).append("updatedBy", actor));
    }

    /** Stores a new user with its {@code user.created} event showing {@code shown}; a taken email is a 409. */
    private Document insert(Document user, Map<String, Object> shown) {
        ObjectId id = user.getObjectId("_id");
        Outbox.append(user, null, List.of(outbox.event("user", "created", id,
                new ArrayList<>(Change.between(null, shown, Set.of())), 1)));
        try {
            users.insertOne(user);
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                throw new RecordException.Duplicate("A user with this email already exists");
            }
            throw e;
        }
        outbox.written(COLLECTION, id);
        return user;
    }

    /** The user linked to this single sign-on identity, if any. */
    public Optional<Document> bySsoIdentity(String issuer, String subject) {
        return Optional.ofNullable(users.find(Filters.and(Filters.eq(SSO + ".issuer", issuer),
                Filters.eq(SSO + ".subject", subject))).first());
    }

    /**
     * A user created at their first single sign-on (just in time): no password, so no password sign-in; linked to
     * the provider's identity. A concurrent first sign-in of the same person is a 409 (the unique email).
     */
    public Document createFromSso(String email, String displayName, Role role, String issuer, String subject) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", email);
        body.put("displayName", displayName);
        body.put("role", role.name());
        Document input = SSO_CREATE.create(body);
        Document user = newUser(input.getString("email"), input.getString("displayName"), input.getString("role"))
                .append(SSO, new Document("issuer", issuer).append("subject", subject));
        Map<String, Object> shown = visible(user);
        shown.put("signIn", "single sign-on");
        return insert(user, shown);
    }

    /**
     * A user invited by email: no password until they choose one through their sign-up link
     * ({@link #setPasswordByLink}); until then nothing signs them in. A taken email is a 409.
     */
    public Document createInvited(String email, String displayName, String role) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", email);
        body.put("displayName", displayName);
        body.put("role", role);
        Document input = SSO_CREATE.create(body);
        if (byEmail(input.getString("email")).isPresent()) {
            throw new RecordException.Duplicate("A user with this email already exists");
        }
        Document user = newUser(input.getString("email"), input.getString("displayName"), input.getString("role"));
        Map<String, Object> shown = visible(user);
        shown.put("signIn", "invited by email");
        return insert(user, shown);
    }

    /**
     * Sets the password a person chose through a sign-up or reset link (the link proved the mailbox, so no current
     * password is asked for, and it is not a one-time one). Their sessions end, here and on every replica.
     */
    public Document setPasswordByLink(String id, String password) {
        Document current = get(id);
        if (isService(current)) {
            throw new RecordException.Invalid("password", "a service account has no password: it signs in with tokens");
        }
        Map<String, Object> proposed = new java.util.HashMap<>();
        proposed.put("password", password);
        String checked = (String) PATCH.patch(new Document(), proposed).get("password");
        if (checked == null) {
            throw new RecordException.Invalid("password", "is required");
        }
        Document next = new Document(current).append("passwordHash", encoder.encode(checked))
                .append(PASSWORD_CHANGE_REQUIRED, false);
        Document saved = replace(current, next, List.of(new Change("password", null, "set by emailed link")));
        accessListeners.forEach(l -> l.disabled(id));
        return saved;
    }

    /** Links an existing user (found by a verified email) to a single sign-on identity; audited. */
    public Document linkSso(Document current, String issuer, String subject) {
        Document next = new Document(current).append(SSO, new Document("issuer", issuer).append("subject", subject));
        return replace(current, next, List.of(new Change(SSO, null, issuer)));
    }

    /**
     * Creates a service account from {kind: "service", displayName, role}: a user that never signs in (no password;
     * the sign-in paths refuse it, {@link #isService}) and acts only through tokens an admin mints for it. Its email
     * is generated and undeliverable ({@code svc-<id>@service.invalid}), so the unique email index holds.
     */
    private Document createService(Map<String, Object> body) {
        Document input = CREATE_SERVICE.create(body);
        ObjectId id = new ObjectId();
        String email = "svc-" + id.toHexString() + "@" + SERVICE_EMAIL_DOMAIN;
        Document user = newUser(email, input.getString("displayName"), input.getString("role"))
                .append("_id", id).append(KIND, SERVICE).append("passwordHash", null);
        return insert(user, visible(user));
    }

    /** A service account: never signs in, whatever it is sent. */
    public static boolean isService(Document user) {
        return SERVICE.equals(user.getString(KIND));
    }

    /** The service account {@code id}; 404 when there is no such user, 409 when it is a person. */
    public Document serviceAccount(String id) {
        Document user = get(id);
        if (!isService(user)) {
            throw new RecordException.Conflict("Tokens are minted here for service accounts only; "
                    + "a person creates their own");
        }
        if (!Boolean.TRUE.equals(user.getBoolean("enabled"))) {
            throw new RecordException.Conflict("This service account is disabled; enable it first");
        }
        return user;
    }

    /**
     * Changes role, enabled, display name or password (an admin's reset: a one-time password). Disabling or a reset
     * ends the user's sessions and tokens, a new role their sessions; the last enabled admin cannot lose the role or
     * be disabled.
     */
    public Document update(String id, Map<String, Object> patch) {
        Document current = get(id);
        Document input = PATCH.patch(new Document(), patch);
        if (isService(current) && input.containsKey("password")) {
            throw new RecordException.Invalid("password", "a service account has no password: it signs in with tokens");
        }
        Document next = new Document(current);
        input.forEach((k, v) -> {
            if (!k.equals("password")) {
                next.put(k, v);
            }
        });
        List<Change> changes = new ArrayList<>(Change.between(visible(current), visible(next), Set.of()));
        boolean reset = input.get("password") instanceof String;
        if (reset) {
            next.put("passwordHash", encoder.encode(input.getString("password")));
            next.put(PASSWORD_CHANGE_REQUIRED, true);
            changes.add(new Change("password", null, "reset"));
        }
        if (changes.isEmpty()) {
            return current;
        }
        boolean wasActiveAdmin = isActiveAdmin(current);
        if (wasActiveAdmin && !isActiveAdmin(next) && activeAdmins() <= 1) {
            throw new RecordException.Conflict("This is the last enabled admin; make another user admin first");
        }
        Document saved = replace(current, next, changes);
        boolean disabled = Boolean.TRUE.equals(current.getBoolean("enabled"))
                && !Boolean.TRUE.equals(saved.getBoolean("enabled"));
        if (disabled || reset) {
            disabledListeners.forEach(l -> l.disabled(id));
        }
        if (disabled || reset || !java.util.Objects.equals(current.getString("role"), saved.getString("role"))) {
            accessListeners.forEach(l -> l.disabled(id));
        }
        return saved;
    }

    /**
     * A user changes their own password, proving the current one (a stolen session alone cannot lock the owner out).
     * Their sessions end, here and on every replica; their API tokens stay (an admin's reset revokes those too).
     */
    public Document changeOwnPassword(String id, Map<String, Object> body) {
        Document current = get(id);
        Object given = body.get("currentPassword");
        if (!(given instanceof String currentPassword) || !matches(current, currentPassword)) {
            throw new RecordException.Invalid("currentPassword", "is not your current password");
        }
        Map<String, Object> proposed = new java.util.HashMap<>();
        proposed.put("password", body.get("newPassword"));
        String password = (String) PATCH.patch(new Document(), proposed).get("password");
        if (password == null) {
            throw new RecordException.Invalid("newPassword", "is required");
        }
        if (matches(current, password)) {
            throw new RecordException.Invalid("newPassword", "must differ from the current password");
        }
        Document next = new Document(current).append("passwordHash", encoder.encode(password))
                .append(PASSWORD_CHANGE_REQUIRED, false);
        Document saved = replace(current, next, List.of(new Change("password", null, "changed")));
        accessListeners.forEach(l -> l.disabled(id));
        return saved;
    }

    /**
     * Sets the zone the web UI shows the user's dates in: one of {@link ZoneId#getAvailableZoneIds()}, or null or
     * blank for "the browser's". Audited like any change of the user; sessions stay (it changes no access).
     */
    public Document changeTimeZone(String id, String zone) {
        Document current = get(id);
        String next = zone == null || zone.isBlank() ? null : zone.strip();
        if (next != null && !ZoneId.getAvailableZoneIds().contains(next)) {
            throw new RecordException.Invalid(TIME_ZONE, "is not a known time zone");
        }
        String previous = current.getString(TIME_ZONE);
        if (java.util.Objects.equals(previous, next)) {
            return current;
        }
        Document changed = new Document(current);
        if (next == null) {
            changed.remove(TIME_ZONE);
        } else {
            changed.put(TIME_ZONE, next);
        }
        return replace(current, changed, List.of(new Change(TIME_ZONE, previous, next)));
    }

    /**
     * Sets or removes the user's second factor ({@code totp} null: none), audited as {@code mfa: <what>}: the event
     * never carries the secret or the recovery codes.
     */
    Document changeSecondFactor(String id, Document totp, String what) {
        Document current = get(id);
        Document next = new Document(current);
        if (totp == null) {
            next.remove(TOTP);
        } else {
            next.put(TOTP, totp);
        }
        return replace(current, next, List.of(new Change("mfa", null, what)));
    }

    /**
     * Writes the next version of a user with its {@code user.updated} event; a concurrent change in between is a 409
     * (stale version).
     */
    Document replace(Document current, Document next, List<Change> changes) {
        long version = RecordMeta.version(current);
        next.put(RecordMeta.META, new Document(RecordMeta.of(current)).append("version", version + 1)
                .append("updatedAt", Date.from(clock.instant())).append("updatedBy", outbox.actor().id()));
        Outbox.append(next, current, List.of(outbox.event("user", "updated", current.get("_id"), changes,
                version + 1)));
        Document after = replaceKeepingSecondFactor(current, next, version);
        if (after == null) {
            throw new RecordException.StaleVersion(version, RecordMeta.version(get(
                    current.getObjectId("_id").toHexString())));
        }
        outbox.written(COLLECTION, current.get("_id"));
        String id = current.getObjectId("_id").toHexString();
        changeListeners.forEach(l -> l.disabled(id));
        return after;
    }

    /**
     * The replacement, unless the version moved. The second factor's last step and recovery codes change without a
     * new version (MfaService spends a code with one conditional update), so a change of anything else must not put
     * back the ones it read: it is written only over the same second factor, and re-read when a code was spent
     * meanwhile.
     */
    private Document replaceKeepingSecondFactor(Document current, Document next, long version) {
        Object secondFactor = current.get(TOTP);
        boolean keeps = secondFactor != null && secondFactor.equals(next.get(TOTP));
        FindOneAndReplaceOptions options = new FindOneAndReplaceOptions().returnDocument(ReturnDocument.AFTER);
        for (int attempt = 0; ; attempt++) {
            var filter = Filters.and(Filters.eq("_id", current.get("_id")), Filters.eq(RecordMeta.VERSION, version));
            if (keeps) {
                filter = Filters.and(filter, Filters.eq(TOTP, secondFactor));
            }
            Document after = users.findOneAndReplace(filter, next, options);
            if (after != null || !keeps || attempt == 5) {
                return after;
            }
            Document stored = users.find(Filters.eq("_id", current.get("_id"))).first();
            if (stored == null || RecordMeta.version(stored) != version || stored.get(TOTP) == null) {
                return null;
            }
            secondFactor = stored.get(TOTP);
            next.put(TOTP, secondFactor);
        }
    }

    /** Users in creation order, after {@code cursor} (a user id). */
    public Page<Document> list(int limit, String cursor) {
        var query = cursor == null || cursor.isBlank() ? new Document()
                : Filters.gt("_id", cursorId(cursor));
        List<Document> page = users.find(query).sort(new Document("_id", 1)).limit(limit + 1)
                .into(new ArrayList<>());
        String next = null;
        if (page.size() > limit) {
            page = page.subList(0, limit);
            next = page.get(limit - 1).getObjectId("_id").toHexString();
        }
        return new Page<>(page, next);
    }

    /** The password matches and the user may sign in. */
    public boolean matches(Document user, String password) {
        // a user who signs in only through the identity provider has no password: nothing matches it
        String hash = user.getString("passwordHash");
        return hash != null && password != null && encoder.matches(password, hash);
    }

    /** Records a successful sign-in (not a change of the user: no audit event, no new version). */
    public void signedIn(String id) {
        if (ObjectId.isValid(id)) {
            users.updateOne(Filters.eq("_id", new ObjectId(id)), Updates.set("lastLoginAt", Date.from(clock.instant())));
        }
    }

    /** The API JSON of a user: never the password hash. */
    public static Map<String, Object> toJson(Document user) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", user.getObjectId("_id").toHexString());
        json.put(KIND, isService(user) ? SERVICE : PERSON);
        json.put("email", user.getString("email"));
        json.put("displayName", user.getString("displayName"));
        json.put("role", user.getString("role"));
        json.put("enabled", user.getBoolean("enabled"));
        json.put(PASSWORD_CHANGE_REQUIRED, Boolean.TRUE.equals(user.getBoolean(PASSWORD_CHANGE_REQUIRED)));
        json.put("createdAt", JsonValues.toJson(user.get("createdAt")));
        json.put("lastLoginAt", JsonValues.toJson(user.get("lastLoginAt")));
        json.put(TIME_ZONE, user.getString(TIME_ZONE));
        // how the user signs in: the provider's issuer when linked to single sign-on, and whether a password exists
        json.put("ssoIssuer", user.get(SSO) instanceof Document sso ? sso.getString("issuer") : null);
        json.put("hasPassword", user.getString("passwordHash") != null);
        json.put("mfaEnabled", user.get(TOTP) != null);
        json.put("version", RecordMeta.version(user));
        return json;
    }

    private long activeAdmins() {
        return users.countDocuments(Filters.and(Filters.eq("role", Role.ADMIN.name()), Filters.eq("enabled", true)));
    }

    private static boolean isActiveAdmin(Document user) {
        return Role.ADMIN.name().equals(user.getString("role")) && Boolean.TRUE.equals(user.getBoolean("enabled"));
    }

    /** What the audit trail shows of a user: everything but bookkeeping and the password hash. */
    private static Map<String, Object> visible(Document user) {
        Map<String, Object> view = new LinkedHashMap<>();
        if (isService(user)) {
            view.put(KIND, SERVICE);
        }
        for (String field : List.of("email", "displayName", "role", "enabled")) {
            view.put(field, user.get(field));
        }
        return view;
    }

    static String emailKey(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    private static Field.Converter role() {
        return json -> {
            Role role = Role.parse(json);
            if (role == null) {
                throw new Field.InvalidValue("must be one of ADMIN, MEMBER, VIEWER");
            }
            return role.name();
        };
    }

    private static Field.Converter kind() {
        return json -> {
            if (!SERVICE.equals(json)) {
                throw new Field.InvalidValue("must be service");
            }
            return SERVICE;
        };
    }

    private static Field.Converter password() {
        return json -> {
            if (!(json instanceof String s)) {
                throw new Field.InvalidValue("must be a string");
            }
            if (s.length() < MIN_PASSWORD) {
                throw new Field.InvalidValue("must have at least " + MIN_PASSWORD + " characters");
            }
            if (s.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
                throw new Field.InvalidValue("must have at most " + MAX_PASSWORD_BYTES + " bytes");
            }
            return s;
        };
    }

    /** A users page's cursor is the last user's id; a malformed one is a 400. */
    private static ObjectId cursorId(String cursor) {
        if (!ObjectId.isValid(cursor)) {
            throw new RecordException.BadQuery("cursor is not valid");
        }
        return new ObjectId(cursor);
    }
}
