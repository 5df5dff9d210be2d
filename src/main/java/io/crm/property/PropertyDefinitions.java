package io.crm.property;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import org.springframework.stereotype.Component;

/**
 * The property definitions as record writes read them: every write of a contact, company or deal validates its custom
 * values, so the definitions of an object type are cached. A change made here (through {@link PropertyService}) drops
 * the cached copy at once; a change made by another replica is seen after {@link #TTL} at most, or at once when a
 * record names a property this replica does not know yet (a miss reads the store again before refusing).
 */
@Component
public class PropertyDefinitions {

    static final Duration TTL = Duration.ofSeconds(10);

    private final CustomProperties store;
    private final Cache<String, Map<String, CustomProperty>> cache;

    /** @param clock measures the cache lifetime (the service's clock, so a test moves it instead of waiting) */
    public PropertyDefinitions(CustomProperties store, Clock clock) {
        this.store = store;
        this.cache = Caffeine.newBuilder().maximumSize(10).expireAfterWrite(TTL)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis())).build();
    }

    /** The custom values of an object type's records, which may not use {@code builtIns} as property names. */
    public CustomValues values(String objectType, String label, Set<String> builtIns) {
        return new CustomValues(objectType, label, builtIns, this);
    }

    /** Every definition of an object type (archived ones too), by name. */
    public Map<String, CustomProperty> all(String objectType) {
        return cache.get(objectType, store::all);
    }

    /** Forgets the cached definitions of an object type (after a change of one). */
    public void invalidate(String objectType) {
        cache.invalidate(objectType);
    }
}
