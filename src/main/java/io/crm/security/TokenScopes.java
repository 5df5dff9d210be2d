package io.crm.security;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import io.crm.record.RecordException;

/**
 * The rules of token scopes, plain Java: parsing and normalising a requested set, the default for a role, the cap by
 * the owner's role, and what a stored token carries (one stored before scopes existed carries all of them, so it keeps
 * its owner's full role as it always did). What a request needs is decided by the request rules ({@link ScopeRules}).
 */
public final class TokenScopes {

    /** The field of a token's JSON and document. */
    public static final String FIELD = "scopes";

    private TokenScopes() {
    }

    /** Every scope each given one includes: {@code [write]} is {@code [read, write]}. */
    public static Set<Scope> normalise(Collection<Scope> scopes) {
        Set<Scope> all = EnumSet.noneOf(Scope.class);
        scopes.forEach(scope -> all.addAll(scope.withIncluded()));
        return all;
    }

    /** What a token gets when its request names no scopes: read and write, or read only for a viewer. */
    public static Set<Scope> defaultFor(Role role) {
        return role == Role.VIEWER ? EnumSet.of(Scope.READ) : EnumSet.of(Scope.READ, Scope.WRITE);
    }

    /**
     * The normalised scopes a token request asks for ({@code json}: the body's {@code scopes}, absent: null), capped
     * by the owner's role: asking for more than the role allows is a 400 naming the field, never a silent cut.
     */
    public static Set<Scope> requested(Object json, Role owner) {
        if (json == null) {
            return defaultFor(owner);
        }
        if (!(json instanceof List<?> list) || list.isEmpty()) {
            throw new RecordException.Invalid(FIELD, "must be a non-empty list of read, write, admin");
        }
        Set<Scope> asked = EnumSet.noneOf(Scope.class);
        for (Object item : list) {
            Scope scope = Scope.parse(item);
            if (scope == null) {
                throw new RecordException.Invalid(FIELD, "must be a non-empty list of read, write, admin");
            }
            asked.add(scope);
        }
        Set<Scope> scopes = normalise(asked);
        Scope highest = Scope.highestFor(owner);
        for (Scope scope : scopes) {
            if (scope.compareTo(highest) > 0) {
                throw new RecordException.Invalid(FIELD, "a " + owner.name() + " cannot hold the scope "
                        + scope.value() + " (at most " + highest.value() + ")");
            }
        }
        return scopes;
    }

    /**
     * The scopes of a stored token: its {@code scopes} field, or, for a token stored before scopes existed, all of
     * them (it carried its owner's full role, and still does: the role caps it on every request).
     */
    public static Set<Scope> stored(Object field) {
        if (!(field instanceof List<?> list)) {
            return EnumSet.allOf(Scope.class);
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        list.forEach(item -> {
            Scope scope = Scope.parse(item);
            if (scope != null) {
                scopes.add(scope);
            }
        });
        return normalise(scopes);
    }

    /** The stored and JSON form: the names, lowest first. */
    public static List<String> names(Set<Scope> scopes) {
        return scopes.stream().sorted().map(Scope::value).toList();
    }

    /** What a request with these scopes may do at most, for an owner with this role: the lower of the two. */
    public static Role effectiveRole(Role owner, Set<Scope> scopes) {
        Role role = Role.VIEWER;
        for (Scope scope : scopes) {
            if (scope.role().compareTo(role) < 0) {
                role = scope.role();
            }
        }
        return owner.compareTo(role) > 0 ? owner : role;
    }
}
