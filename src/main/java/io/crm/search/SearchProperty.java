package io.crm.search;

import io.crm.record.Field;

/**
 * One property a search may filter on: its API name, stored kind and path, and the converter that turns a filter
 * value into the stored value (the one the resource's schema uses, so a value of the wrong type is refused the same
 * way as in a body).
 *
 * @param keyPath         where set, text compares lower-cased against this derived key ({@code _crm.nameKey}) instead
 *                        of {@code path}, so equality is case-insensitive and indexed
 * @param liveOnlyKey     the key exists on live records only ({@code _crm.emailKey}): archived searches compare
 *                        {@code path} case-insensitively instead
 * @param custom          the custom property's name (its {@code _crm.props} entries), null for a built-in field
 * @param caseInsensitive text equality ignores case (custom text: its index entry is lower-cased)
 */
public record SearchProperty(String name, SearchType type, String path, String keyPath, boolean liveOnlyKey,
                             Field.Converter converter, String custom, boolean caseInsensitive) {

    public static SearchProperty of(String name, SearchType type, String path, Field.Converter converter) {
        return new SearchProperty(name, type, path, null, false, converter, null, false);
    }

    /** Compared lower-cased through a derived key. */
    public SearchProperty keyed(String key, boolean liveOnly) {
        return new SearchProperty(name, type, path, key, liveOnly, converter, custom, caseInsensitive);
    }

    public boolean isCustom() {
        return custom != null;
    }
}
