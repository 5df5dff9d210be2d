package io.crm.backup;

import java.time.Clock;
import java.time.ZoneOffset;

import io.crm.store.StoreConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.mongodb.autoconfigure.MongoConnectionDetails;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.support.CronTrigger;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BackupProperties.class)
public class BackupConfiguration {

    private static final Logger log = LoggerFactory.getLogger(BackupConfiguration.class);

    @Bean(destroyMethod = "close")
    Backups backups(BackupProperties properties, MongoConnectionDetails store, Clock clock, MeterRegistry meters) {
        // the jar's Implementation-Version (every package of the jar has it); none when run from classes
        String version = BackupConfiguration.class.getPackage().getImplementationVersion();
        return new Backups(properties, StoreConfiguration.embeddedStore(store), clock,
                version == null ? "development" : version, meters);
    }

    /** The schedule starts once the service is ready, so a backup never races the start-up writes. */
    @Bean
    ApplicationListener<ApplicationReadyEvent> backupSchedule(Backups backups, BackupProperties properties,
                                                             TaskScheduler scheduler) {
        return ready -> {
            if (!properties.scheduled()) {
                return;
            }
            if (!backups.available()) {
                log.warn("CRM_BACKUP_SCHEDULE is set but the service runs on MongoDB: no backups are taken "
                        + "(back MongoDB up with mongodump)");
                return;
            }
            scheduler.schedule(backups::runScheduled, new CronTrigger(properties.schedule().strip(), ZoneOffset.UTC));
            log.info("Backups of the embedded store scheduled ({} UTC) into {}, keeping {}", properties.schedule(),
                    properties.dir().toAbsolutePath(), properties.keep());
        };
    }
}
