/**
 * Portable export and import of the whole CRM ({@code java -jar crm.jar --export FILE} / {@code --import FILE}): the
 * way from the embedded store to MongoDB, or between any two stores.
 *
 * <p>The file is gzip'd JSON Lines (docs/export-format.md): a header line (format name and version, service version,
 * creation time, source kind, a random export id), then per collection one line with its options and index
 * definitions followed by one line per document in canonical MongoDB Extended JSON (so ints, longs, dates, decimals,
 * ObjectIds and binary round-trip exactly), and a trailer with the document count per collection and the SHA-256 of
 * every line before it. A file without a valid trailer (truncated, corrupt, foreign) is refused before the import
 * writes anything. Browser sessions, sign-in counters and ShedLock leases are not exported
 * ({@link io.crm.portable.ExportFormat#NOT_EXPORTED}).
 */
package io.crm.portable;
