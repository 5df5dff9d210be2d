/**
 * Background jobs that exactly one replica runs at a time: a lease in MongoDB (ShedLock, collection {@code shedLock})
 * decides which, and every run is written to the job log ({@code job_runs}) with the instance that ran it, so an
 * operator (and the multi-replica rehearsal) can see who ran what, when, and that no two runs of a job overlapped.
 * Work queues that every replica shares by claiming items (mail outbox, webhook deliveries, imports) are not jobs.
 */
package io.crm.jobs;
