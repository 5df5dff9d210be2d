package io.crm.events;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.bson.Document;

/** One changed field of an audited entity, with its stored value before and after (null when absent). */
public record Change(String field, Object oldValue, Object newValue) {

    /** Stored fields whose values never go into an audit event. */
    public static final Set<String> SECRETS = Set.of("passwordHash", "tokenHash");

    /**
     * The top-level fields that differ between {@code before} and {@code after} (either may be null), in a stable
     * order, skipping {@code hidden} ones (bookkeeping, secrets).
     */
    public static List<Change> between(Map<String, Object> before, Map<String, Object> after, Set<String> hidden) {
        // secrets are never audited, whatever the caller passes
        Set<String> skipped = new java.util.HashSet<>(hidden);
        skipped.addAll(SECRETS);
        Set<String> names = new LinkedHashSet<>();
        if (before != null) {
            names.addAll(before.keySet());
        }
        if (after != null) {
            names.addAll(after.keySet());
        }
        List<Change> changes = new ArrayList<>();
        for (String name : names) {
            if (skipped.contains(name)) {
                continue;
            }
            Object old = before == null ? null : before.get(name);
            Object now = after == null ? null : after.get(name);
            if (!Objects.equals(old, now)) {
                changes.add(new Change(name, old, now));
            }
        }
        return changes;
    }

    /** Stored changes with their values gone and their field names kept: what the right to erasure leaves. */
    public static List<Document> blanked(List<Document> changes) {
        return changes.stream().map(c -> new Document("field", c.get("field")).append("old", null).append("new", null))
                .toList();
    }

    public Document toDocument() {
        return new Document("field", field).append("old", oldValue).append("new", newValue);
    }
}
