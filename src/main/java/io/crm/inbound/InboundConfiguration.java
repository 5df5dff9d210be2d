package io.crm.inbound;

import java.time.Clock;
import java.util.List;

import com.mongodb.client.gridfs.GridFSBuckets;
import com.mongodb.client.model.IndexModel;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.crm.activity.ActivityService;
import io.crm.contact.ContactSchema;
import io.crm.contact.ContactService;
import io.crm.security.Secrets;
import io.crm.store.CollectionIndexes;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.mongodb.core.MongoTemplate;

@Configuration(proxyBeanMethods = false)
public class InboundConfiguration {

    @Bean
    InboundAddress inboundAddress(InboundProperties properties) {
        return new InboundAddress(properties.address(),
                Secrets.valueOrFile(properties.secret(), properties.secretFile()));
    }

    @Bean
    InboundMail inboundMail(MongoTemplate mongo, ActivityService activities, ContactService contacts,
                            InboundAddress address, InboundProperties properties, Clock clock) {
        AttachmentPolicy policy = new AttachmentPolicy(properties.maxAttachmentSize().toBytes(),
                properties.maxAttachments(), properties.attachmentTypes(), properties.blockedExtensions());
        MailParser parser = new MailParser(properties.maxMessageSize().toBytes(), properties.allowedSenderDomains());
        return new InboundMail(mongo.getCollection(InboundMail.COLLECTION),
                mongo.getCollection(ContactSchema.COLLECTION), GridFSBuckets.create(mongo.getDb(), InboundMail.BUCKET),
                activities, contacts, policy, address, parser, properties.createContacts(), clock);
    }

    @Bean
    SmtpListener inboundSmtpListener(InboundMail mail, InboundAddress address, InboundProperties properties) {
        return new SmtpListener(mail, address, properties);
    }

    @Bean
    ImapPoller inboundImapPoller(InboundMail mail, MongoTemplate mongo, io.crm.jobs.JobLeases leases,
                                 InboundProperties properties, Clock clock) {
        InboundProperties.Imap imap = properties.imap();
        return new ImapPoller(mail, mongo.getCollection(ImapPoller.COLLECTION), leases, imap,
                imap.enabled() ? Secrets.valueOrFile(imap.password(), imap.passwordFile()) : "", clock);
    }

    @Bean
    InboundStatus inboundStatus(InboundProperties properties, SmtpListener smtp, ImapPoller imap,
                                MongoTemplate mongo) {
        return new InboundStatus(properties, smtp, imap, mongo.getCollection(ImapPoller.COLLECTION));
    }

    /** Every query on incoming mail is served by one of these (see docs/indexes.md). */
    @Bean
    CollectionIndexes inboundEmailIndexes() {
        return new CollectionIndexes(InboundMail.COLLECTION, List.of(
                // one message per Message-ID: the same message arriving twice is logged once
                new IndexModel(Indexes.ascending("messageId"),
                        new IndexOptions().name("inbound_email_message_id").unique(true))));
    }

    /** GridFS's own chunk index (the driver would create it on the first upload; declared so it is planned). */
    @Bean
    CollectionIndexes inboundAttachmentChunkIndexes() {
        return new CollectionIndexes(InboundMail.BUCKET + ".chunks", List.of(
                new IndexModel(Indexes.ascending("files_id", "n"),
                        new IndexOptions().name("files_id_1_n_1").unique(true))));
    }

    /** GridFS's own file index, declared for the same reason. */
    @Bean
    CollectionIndexes inboundAttachmentFileIndexes() {
        return new CollectionIndexes(InboundMail.BUCKET + ".files", List.of(
                new IndexModel(Indexes.ascending("filename", "uploadDate"),
                        new IndexOptions().name("filename_1_uploadDate_1"))));
    }
}
