/**
 * The database: the embedded store and its launcher, connection settings, what the store can do
 * ({@link io.crm.store.StoreCapabilities}) and the one way to run a multi-document change
 * ({@link io.crm.store.StoreTransactions}), and the indexes each feature declares
 * ({@link io.crm.store.CollectionIndexes}). A module of its own below every other (it imports none of them), so
 * any module, the event outbox included, may declare indexes without forming a cycle.
 */
package io.crm.store;
