package io.crm.backup;

import java.nio.file.Path;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.validation.annotation.Validated;

/**
 * {@code crm.backup.*}: backups of the embedded store. Defaults live in application.yaml only; a missing or
 * out-of-range value stops startup naming the property.
 *
 * @param schedule a cron expression (Spring's six fields, or a macro such as {@code @daily}), in UTC; empty: only
 *                 backups asked for through the API or the admin page
 * @param dir      where backup files are written
 * @param keep     completed backups kept; older ones (and failed ones older than those) are deleted
 */
@Validated
@ConfigurationProperties("crm.backup")
public record BackupProperties(String schedule, @NotNull Path dir, @Min(1) @Max(10_000) int keep) {

    public boolean scheduled() {
        return schedule != null && !schedule.isBlank();
    }

    public CronExpression cron() {
        return scheduled() ? CronExpression.parse(schedule.strip()) : null;
    }

    @AssertTrue(message = "must be a cron expression (second minute hour day month weekday, or @daily...) or empty")
    public boolean isScheduleValid() {
        return !scheduled() || CronExpression.isValidExpression(schedule.strip());
    }
}
