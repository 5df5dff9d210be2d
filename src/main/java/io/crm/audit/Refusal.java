package io.crm.audit;

/**
 * Marks a failure that guarantees nothing was written (a stale version, a duplicate, a missing record): the audit
 * event of such a change is removed again. Any other failure leaves the outcome open for the reconciler.
 */
public interface Refusal {
}
