package io.crm.jobs;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;

import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of leased jobs ({@code crm.jobs.*}).
 *
 * @param instanceId   this replica's name in the job log; empty: host name and process id (a pod's host name is its name)
 * @param lease        how long a run's lease lasts past its last renewal (it is renewed every half lease while the run
 *                     lasts): a replica that dies during a run is replaced this long after; at least 30 s (ShedLock's
 *                     keep-alive needs it)
 * @param keepRuns     how long the job log keeps a run
 * @param expiryEvery  pause between deletions of expired documents (where the store has no TTL monitor)
 * @param importsEvery pause between sweeps that mark imports whose replica went away as failed
 * @param rewritesEvery pause between runs that finish property rewrites no replica is running
 * @param webhookHeadsEvery pause between runs that mark a head on webhook delivery chains left without one
 */
@Validated
@ConfigurationProperties("crm.jobs")
public record JobsProperties(String instanceId,
                             @NotNull @DurationMin(seconds = 30) Duration lease,
                             @NotNull @DurationMin(minutes = 1) Duration keepRuns,
                             @NotNull @DurationMin(millis = 100) Duration expiryEvery,
                             @NotNull @DurationMin(millis = 100) Duration importsEvery,
                             @NotNull @DurationMin(millis = 100) Duration rewritesEvery,
                             @NotNull @DurationMin(millis = 100) Duration webhookHeadsEvery) {
}
