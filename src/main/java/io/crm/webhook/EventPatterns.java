package io.crm.webhook;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which events a subscription wants: exact types ({@code deal.stage_changed}), every action of one object type
 * ({@code contact.*}) or everything ({@code *}). Only types the service emits are accepted, so a typo is a 400 at
 * save time rather than a subscription that silently never fires.
 */
public final class EventPatterns {

    /** The actions of each object type (see io.crm.events.Event). */
    static final Map<String, Set<String>> TYPES = Map.of(
            "contact", Set.of("created", "updated", "archived", "restored", "merged", "deleted", "erased"),
            "company", Set.of("created", "updated", "archived", "restored", "merged", "deleted", "erased"),
            "deal", Set.of("created", "updated", "archived", "restored", "merged", "deleted", "stage_changed",
                    "erased"),
            "activity", Set.of("created", "updated", "archived", "restored", "merged", "deleted", "erased"),
            "user", Set.of("created", "updated"),
            "token", Set.of("created", "revoked"));

    public static final int MAX_PATTERNS = 50;

    private EventPatterns() {
    }

    /** The patterns as given, without duplicates, or why they are not acceptable (null when they are). */
    static String problem(Object value) {
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            return "must be a non-empty list of event types or patterns (\"contact.*\", \"deal.stage_changed\", \"*\")";
        }
        if (list.size() > MAX_PATTERNS) {
            return "at most " + MAX_PATTERNS + " patterns";
        }
        for (Object item : list) {
            if (!(item instanceof String pattern) || !valid(pattern)) {
                return "'" + item + "' is not an event type or pattern; known types: " + known();
            }
        }
        return null;
    }

    static List<String> normalise(List<?> patterns) {
        return new ArrayList<>(new LinkedHashSet<>(patterns.stream().map(String::valueOf).toList()));
    }

    static boolean valid(String pattern) {
        if (pattern.equals("*")) {
            return true;
        }
        int dot = pattern.indexOf('.');
        if (dot < 0) {
            return false;
        }
        Set<String> actions = TYPES.get(pattern.substring(0, dot));
        String action = pattern.substring(dot + 1);
        return actions != null && (action.equals("*") || actions.contains(action));
    }

    /** Whether an event of this type is wanted by any of the patterns. */
    public static boolean matches(List<String> patterns, String type) {
        for (String pattern : patterns) {
            if (pattern.equals("*") || pattern.equals(type)
                    || pattern.endsWith(".*") && type.startsWith(pattern.substring(0, pattern.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    private static String known() {
        return TYPES.keySet().stream().sorted().map(t -> t + ".*").toList().toString();
    }
}
