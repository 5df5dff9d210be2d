package io.crm.platform.web;

import io.crm.record.RecordException;

/** Reads the request pieces every v1 resource shares: If-Match versions and list limits. */
public final class Preconditions {

    public static final int DEFAULT_LIMIT = 20;

    private Preconditions() {
    }

    /** The version named by an If-Match header ({@code "3"}, {@code W/"3"}); null when absent or {@code *}. */
    public static Long ifMatchVersion(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.strip().equals("*")) {
            return null;
        }
        String tag = ifMatch.strip();
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        tag = tag.replace("\"", "");
        try {
            return Long.parseLong(tag);
        } catch (NumberFormatException e) {
            // A tag we never issued cannot match the current version.
            return -1L;
        }
    }

    public static String etag(long version) {
        return "\"" + version + "\"";
    }

    /** The {@code limit} parameter of a list: 1 to {@code maxPageSize} ({@code crm.limits.max-page-size}). */
    public static int limit(String limit, int maxPageSize) {
        if (limit == null || limit.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit.strip());
            if (value >= 1 && value <= maxPageSize) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new RecordException.BadQuery("limit must be a whole number from 1 to " + maxPageSize);
    }
}
