package io.crm.notification;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The teammates a text mentions: {@code @handle}, where a user's handle is the part of their email before the
 * {@code @} ({@code @ana.silva} for ana.silva@example.com). Unique per user without a new field to keep unique, and
 * what people already recognise. An email address in the text ({@code ana@example.com}) is not a mention.
 */
public final class Mentions {

    /** Not after a word character, a dot or an @ (so addresses are skipped); a trailing dot ends a sentence. */
    private static final Pattern MENTION = Pattern.compile("(?<![\\w.@])@([A-Za-z0-9][A-Za-z0-9._%+-]{0,63})");
    static final int MAX_PER_TEXT = 20;

    private Mentions() {
    }

    /** The handles mentioned, lower case, in order of appearance, at most {@value #MAX_PER_TEXT}. */
    public static Set<String> in(Object text) {
        Set<String> handles = new LinkedHashSet<>();
        if (!(text instanceof String s)) {
            return handles;
        }
        Matcher m = MENTION.matcher(s);
        while (m.find() && handles.size() < MAX_PER_TEXT) {
            String handle = m.group(1);
            while (handle.endsWith(".")) {
                handle = handle.substring(0, handle.length() - 1);
            }
            if (!handle.isEmpty()) {
                handles.add(handle.toLowerCase(Locale.ROOT));
            }
        }
        return handles;
    }

    /** Handles in {@code now} that {@code before} did not have: editing a note notifies only the newly mentioned. */
    public static Set<String> added(Object before, Object now) {
        Set<String> added = in(now);
        added.removeAll(in(before));
        return added;
    }
}
