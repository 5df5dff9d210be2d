package io.crm.audit;

/**
 * Where the reconciler finds an audited entity: its collection and the path of its version counter. Declared as a
 * bean by each feature whose changes are audited.
 */
public record AuditedCollection(String entityType, String collection, String versionPath) {
}
