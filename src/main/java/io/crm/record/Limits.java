package io.crm.record;

/**
 * The configurable size limits on request content ({@code crm.limits.*}), read where input is validated. Set once at
 * startup from configuration ({@code io.crm.platform.web.LimitsConfiguration}); the defaults are the safe values, so
 * plain unit tests need no setup.
 *
 * @param maxPageSize   largest page a list returns ({@code limit} 1 to this)
 * @param maxTags       tags per record
 * @param maxAttributes free-form attributes per record
 * @param maxBulk       items in one bulk request (the legacy bulk insert)
 * @param maxBulkDelete ids in one bulk delete
 */
public record Limits(int maxPageSize, int maxTags, int maxAttributes, int maxBulk, int maxBulkDelete) {

    public static final Limits DEFAULTS = new Limits(100, 20, 50, 100, 1000);

    private static volatile Limits current = DEFAULTS;

    public Limits {
        if (maxPageSize < 1 || maxTags < 1 || maxAttributes < 1 || maxBulk < 1 || maxBulkDelete < 1) {
            throw new IllegalArgumentException("every crm.limits value must be at least 1: " + this);
        }
    }

    public static Limits current() {
        return current;
    }

    public static void configure(Limits limits) {
        current = limits;
    }
}
