package io.crm.platform.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.List;

import io.crm.store.StoreCapabilities;
import io.crm.store.StoreTransactions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.ApplicationAvailabilityBean;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;

/** /ready says why it refuses: still starting (start-up migrations at scale take minutes) or shutting down. */
class ReadinessReasonTest {

    @Test
    void refusingBeforeTheFirstReadinessChangeIsStartingAndAfterItShuttingDown() {
        DatabasePing ping = mock(DatabasePing.class);
        when(ping.ok()).thenReturn(true);
        StoreTransactions transactions = mock(StoreTransactions.class);
        when(transactions.capabilities()).thenReturn(StoreCapabilities.NOT_DETECTED);
        ApplicationAvailabilityBean availability = new ApplicationAvailabilityBean();
        HealthController health = new HealthController(ping, availability, List.of(), transactions);

        assertThat(health.ready().getStatusCode().value()).isEqualTo(503);
        assertThat(health.ready().getBody()).containsEntry("reason", "starting");

        availability.onApplicationEvent(new AvailabilityChangeEvent<>(this, ReadinessState.ACCEPTING_TRAFFIC));
        assertThat(health.ready().getStatusCode().value()).isEqualTo(200);
        assertThat(health.ready().getBody()).doesNotContainKey("reason");

        availability.onApplicationEvent(new AvailabilityChangeEvent<>(this, ReadinessState.REFUSING_TRAFFIC));
        assertThat(health.ready().getStatusCode().value()).isEqualTo(503);
        assertThat(health.ready().getBody()).containsEntry("reason", "shutting down");
    }
}
