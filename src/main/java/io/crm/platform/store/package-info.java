/**
 * The database: the embedded store and its launcher, connection settings, and the indexes each feature declares
 * ({@link io.crm.platform.store.CollectionIndexes}). Exposed to the other modules as the named interface
 * {@code store}.
 */
@NamedInterface("store")
package io.crm.platform.store;

import org.springframework.modulith.NamedInterface;
