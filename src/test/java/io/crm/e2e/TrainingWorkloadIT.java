package io.crm.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.crm.platform.training.TrainingWorkload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT training run's workload against the packaged jar, started as the image's training run starts it (the
 * embedded store, authentication on, the first admin from the environment): every step is served and no request
 * fails, so the cache's profiles are of the request path and not of error pages. The image build fails the same way
 * (the workload exits 1) if a change to the API breaks it.
 */
class TrainingWorkloadIT {

    @Test
    void servesEveryStepOfTheMixWithoutAFailedRequest(@TempDir Path dataDir) throws Exception {
        String password = ServiceProcess.randomPassword();
        try (ServiceProcess service = ServiceProcess.start(dataDir, ServiceProcess.withAdmin(password, Map.of()))) {
            TrainingWorkload.Summary summary = TrainingWorkload.run(URI.create("http://127.0.0.1:" + service.port),
                    ServiceProcess.ADMIN_EMAIL, password, Duration.ofSeconds(3), 2, Duration.ofSeconds(30));

            assertThat(summary.failures()).isEmpty();
            assertThat(summary.failed()).isZero();
            assertThat(summary.served()).containsOnlyKeys(TrainingWorkload.STEPS);
            assertThat(summary.served().get("contact.get")).isGreaterThanOrEqualTo(8);
        }
    }

    @Test
    void aWrongPasswordIsAFailureNotAQuietRunOfErrorPages(@TempDir Path dataDir) throws Exception {
        try (ServiceProcess service = ServiceProcess.start(dataDir,
                ServiceProcess.withAdmin(ServiceProcess.randomPassword(), Map.of()))) {
            URI base = URI.create("http://127.0.0.1:" + service.port);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> TrainingWorkload.run(base,
                    ServiceProcess.ADMIN_EMAIL, "not-the-password", Duration.ofSeconds(1), 1, Duration.ofSeconds(30)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("no token");
        }
    }
}
