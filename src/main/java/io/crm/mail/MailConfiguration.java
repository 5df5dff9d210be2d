package io.crm.mail;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.store.CollectionIndexes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.mongodb.core.MongoTemplate;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.util.StringUtils;

/** Outgoing mail: on when {@code spring.mail.host} is set (Spring Boot then provides the {@link JavaMailSender}). */
@Configuration(proxyBeanMethods = false)
public class MailConfiguration {

    private static final Logger log = LoggerFactory.getLogger(MailConfiguration.class);

    @Bean
    MailOutbox mailOutbox(MongoTemplate mongo, Clock clock, MailProperties properties, Environment environment,
                          ObjectProvider<JavaMailSender> sender, ObjectProvider<MailDispatcher> dispatcher) {
        boolean enabled = StringUtils.hasText(environment.getProperty("spring.mail.host"))
                && sender.getIfAvailable() != null;
        if (!enabled) {
            log.info("Outgoing mail is off (no SPRING_MAIL_HOST): invitations hand out one-time passwords, "
                    + "no reminders are sent");
        }
        return new MailOutbox(mongo.getCollection(MailOutbox.COLLECTION), clock, properties, enabled,
                () -> dispatcher.ifAvailable(MailDispatcher::wake));
    }

    @Bean
    MailDispatcher mailDispatcher(MailOutbox outbox, ObjectProvider<JavaMailSender> sender, Clock clock,
                                  MailProperties properties) {
        JavaMailSender mail = sender.getIfAvailable();
        MailDelivery delivery = outbox.enabled() && mail != null
                ? new MailDelivery(mail, new MailTemplates(), properties.from()) : null;
        return new MailDispatcher(outbox, delivery, clock, properties.pollEvery());
    }

    @Bean
    EmailLinks emailLinks(MongoTemplate mongo, Clock clock) {
        return new EmailLinks(mongo.getCollection(EmailLinks.COLLECTION), clock);
    }

    @Bean
    Invitations invitations(io.crm.security.UserService users, EmailLinks links, MailOutbox outbox) {
        return new Invitations(users, links, outbox);
    }

    @Bean
    PasswordResets passwordResets(io.crm.security.UserService users, EmailLinks links, MailOutbox outbox,
                                  io.crm.security.SignInProperties signIn) {
        return new PasswordResets(users, links, outbox, signIn.localLogin());
    }

    @Bean
    MailPreferences mailPreferences(MongoTemplate mongo) {
        return new MailPreferences(mongo.getCollection(MailPreferences.COLLECTION));
    }

    @Bean
    TaskReminders taskReminders(io.crm.activity.ActivityService activities, io.crm.security.UserService users,
                                MailPreferences preferences, MailOutbox outbox, Clock clock) {
        return new TaskReminders(activities, users, preferences, outbox, clock);
    }

    @Bean
    CollectionIndexes mailPreferenceIndexes() {
        return new CollectionIndexes(MailPreferences.COLLECTION, List.of(
                // the digest's unsubscribe link finds its user by the token (sparse: made at the first digest)
                new IndexModel(Indexes.ascending("unsubscribeToken"), new IndexOptions()
                        .name("mail_preferences_unsubscribe").unique(true).sparse(true))));
    }

    @Bean
    CollectionIndexes emailLinkIndexes() {
        return new CollectionIndexes(EmailLinks.COLLECTION, List.of(
                // a link is found by the hash of its secret only
                new IndexModel(Indexes.ascending("tokenHash"), new IndexOptions().name("email_links_token")
                        .unique(true)),
                // a new link of a user and purpose ends the earlier unused ones
                new IndexModel(Indexes.ascending("userId", "purpose", "usedAt"),
                        new IndexOptions().name("email_links_user")),
                // links go when they expire, used or not
                new IndexModel(Indexes.ascending("expireAt"),
                        new IndexOptions().name("email_links_expiry").expireAfter(0L, TimeUnit.SECONDS))));
    }

    /** Every query on the outbox is served by one of these (see docs/indexes.md). */
    @Bean
    CollectionIndexes mailOutboxIndexes() {
        return new CollectionIndexes(MailOutbox.COLLECTION, List.of(
                // a message key is sent once: enqueueing it again (another replica, a restart) is a no-op
                new IndexModel(Indexes.ascending("key"), new IndexOptions().name("mail_outbox_key").unique(true)),
                // the dispatcher's claim: unfinished messages, most overdue first
                new IndexModel(Indexes.ascending("status", "dueAt"), new IndexOptions().name("mail_outbox_claim")),
                // the admin list by status, newest first
                new IndexModel(Indexes.compoundIndex(Indexes.ascending("status"), Indexes.descending("_id")),
                        new IndexOptions().name("mail_outbox_status")),
                // sent and failed messages go after crm.mail.keep (unfinished ones have no expireAt)
                new IndexModel(Indexes.ascending("expireAt"),
                        new IndexOptions().name("mail_outbox_expiry").expireAfter(0L, TimeUnit.SECONDS))));
    }
}
