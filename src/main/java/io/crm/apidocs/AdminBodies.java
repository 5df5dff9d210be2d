package io.crm.apidocs;

import static io.crm.apidocs.Bodies.BOOL;
import static io.crm.apidocs.Bodies.ID;
import static io.crm.apidocs.Bodies.INSTANT;
import static io.crm.apidocs.Bodies.INT;
import static io.crm.apidocs.Bodies.TEXT;
import static io.crm.apidocs.Bodies.array;
import static io.crm.apidocs.Bodies.body;
import static io.crm.apidocs.Bodies.closed;
import static io.crm.apidocs.Bodies.items;
import static io.crm.apidocs.Bodies.noContent;
import static io.crm.apidocs.Bodies.nullable;
import static io.crm.apidocs.Bodies.object;
import static io.crm.apidocs.Bodies.oneOf;
import static io.crm.apidocs.Bodies.operation;
import static io.crm.apidocs.Bodies.page;
import static io.crm.apidocs.Bodies.props;
import static io.crm.apidocs.Bodies.ref;
import static io.crm.apidocs.Bodies.respond;
import static io.crm.apidocs.Bodies.schema;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.crm.backup.Backup;
import io.crm.inbound.InboundController;
import io.crm.record.Fields;
import io.crm.webhook.EventPatterns;
import io.crm.webhook.WebhookSubscriptions;
import io.swagger.v3.oas.models.OpenAPI;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.stereotype.Component;

/**
 * Webhooks ({@code WebhookSubscriptions}), the audit log, the event feed, leased jobs, backups, the mail outbox and
 * inbound mail.
 */
@Component
public class AdminBodies implements OpenApiCustomizer {

    /** {@code WebhookDeliveries}' and {@code MailOutbox}'s states. */
    static final List<String> DELIVERY_STATES = List.of("pending", "retrying", "succeeded", "failed");
    static final List<String> MAIL_STATES = List.of("pending", "retrying", "sent", "failed");

    private static final Map<String, Object> OBJECT = object(props("type", TEXT, "id", TEXT), "type", "id");
    private static final Map<String, Object> CHANGES = array(object(props("field", TEXT,
            "old", Fields.schema("description", "the value before (null: none)"),
            "new", Fields.schema("description", "the value after (null: none)")), "field"));

    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getPaths() == null) {
            return;
        }
        webhooks(openApi);
        Map<String, Object> actor = object(props("id", nullable(TEXT), "name", nullable(TEXT)));
        schema(openApi, "AuditPage", page(object(props("id", ID, "at", INSTANT, "actor", actor, "action", TEXT,
                "entityType", TEXT, "entityId", TEXT, "version", nullable(INT), "state", nullable(TEXT),
                "changes", Fields.schema("anyOf", List.of(CHANGES, Bodies.NULL))), "id", "at", "actor", "action",
                "entityType", "entityId")));
        respond(operation(openApi, "GET", "/api/v1/audit"), "200", "AuditPage");
        schema(openApi, "Event", object(props("id", ID, "type", Fields.schema("type", "string", "description",
                        "<object>.<action>, e.g. contact.created, deal.stage_changed"), "occurredAt", INSTANT,
                "actor", actor, "object", OBJECT, "changes", CHANGES, "version", INT),
                "id", "type", "occurredAt", "actor", "object", "changes"));
        schema(openApi, "EventPage", page(ref("Event")));
        respond(operation(openApi, "GET", "/api/v1/events"), "200", "EventPage");
        jobsAndBackups(openApi);
        mail(openApi);
    }

    private static void webhooks(OpenAPI openApi) {
        Map<String, Object> url = Fields.schema("type", "string", "format", "uri", "pattern", "^https://",
                "maxLength", WebhookSubscriptions.MAX_URL);
        Map<String, Object> events = Fields.schema("type", "array", "items", Fields.schema("type", "string",
                        "description", "an event type (contact.created), <object>.* or *"), "minItems", 1,
                "maxItems", EventPatterns.MAX_PATTERNS);
        Map<String, Object> description = Fields.schema("type", "string",
                "maxLength", WebhookSubscriptions.MAX_DESCRIPTION);
        schema(openApi, "WebhookCreate", closed(props("url", url, "events", events, "description", description),
                "url", "events"));
        schema(openApi, "WebhookPatch", closed(props("url", url, "events", events,
                "description", nullable(description), "paused", BOOL,
                "enabled", Fields.schema("const", true, "description", "re-enables a disabled subscription"))));
        Map<String, Object> subscription = props("id", ID, "url", TEXT, "events", array(TEXT),
                "description", nullable(TEXT), "paused", BOOL, "disabled", BOOL, "disabledReason", nullable(TEXT),
                "disabledAt", nullable(INSTANT), "lastSuccessAt", nullable(INSTANT),
                "failingSince", nullable(INSTANT), "recentFailures", array(object(props("at", INSTANT,
                        "deliveryId", TEXT, "eventType", TEXT, "responseCode", nullable(INT),
                        "error", nullable(TEXT)))), "createdAt", INSTANT,
                "createdBy", nullable(object(props("id", nullable(TEXT), "name", nullable(TEXT)))),
                "updatedAt", INSTANT);
        schema(openApi, "Webhook", object(subscription, "id", "url", "events", "paused", "disabled"));
        Map<String, Object> withSecret = new java.util.LinkedHashMap<>(subscription);
        withSecret.put("secret", Fields.schema("type", "string", "description",
                "the signing secret (whsec_...): shown in this answer only"));
        schema(openApi, "WebhookWithSecret", object(withSecret, "id", "url", "events", "secret"));
        schema(openApi, "WebhookPage", page(ref("Webhook")));
        schema(openApi, "WebhookDelivery", object(props("id", ID, "eventId", TEXT, "eventType", TEXT,
                "object", OBJECT, "seq", INT, "status", oneOf(DELIVERY_STATES), "attempts", INT,
                "lastAttemptAt", nullable(INSTANT), "lastResponseCode", nullable(INT),
                "lastLatencyMs", nullable(INT), "lastError", nullable(TEXT), "nextAttemptAt", nullable(INSTANT),
                "createdAt", INSTANT, "finishedAt", nullable(INSTANT)), "id", "eventId", "eventType", "status"));
        schema(openApi, "WebhookDeliveryPage", page(ref("WebhookDelivery")));
        schema(openApi, "WebhookPing", object(props("eventId", ID, "type", Fields.schema("const", "ping")),
                "eventId", "type"));
        String one = "/api/v1/webhooks/{id}";
        respond(operation(openApi, "GET", "/api/v1/webhooks"), "200", "WebhookPage");
        body(operation(openApi, "POST", "/api/v1/webhooks"), "WebhookCreate");
        respond(operation(openApi, "POST", "/api/v1/webhooks"), "201", "WebhookWithSecret");
        respond(operation(openApi, "GET", one), "200", "Webhook");
        body(operation(openApi, "PATCH", one), "WebhookPatch");
        respond(operation(openApi, "PATCH", one), "200", "Webhook");
        noContent(operation(openApi, "DELETE", one));
        respond(operation(openApi, "POST", one + "/rotate-secret"), "200", "WebhookWithSecret");
        respond(operation(openApi, "GET", one + "/deliveries"), "200", "WebhookDeliveryPage");
        respond(operation(openApi, "POST", one + "/deliveries/{deliveryId}/retry"), "200", "WebhookDelivery");
        respond(operation(openApi, "POST", one + "/test"), "202", "WebhookPing");
    }

    private static void jobsAndBackups(OpenAPI openApi) {
        schema(openApi, "JobRun", object(props("job", TEXT, "instance", TEXT, "startedAt", INSTANT,
                "endedAt", nullable(INSTANT), "outcome", TEXT, "detail", nullable(TEXT)), "job", "instance",
                "startedAt"));
        schema(openApi, "JobList", object(props("instance", Fields.schema("type", "string", "description",
                        "the replica answering"), "items", array(object(props("name", TEXT, "enabled", BOOL,
                        "every", Fields.schema("type", "string", "format", "duration"),
                        "lastRun", Fields.schema("anyOf", List.of(ref("JobRun"), Bodies.NULL))),
                        "name", "enabled", "every", "lastRun"))), "instance", "items"));
        schema(openApi, "JobRuns", items(ref("JobRun")));
        respond(operation(openApi, "GET", "/api/v1/admin/jobs"), "200", "JobList");
        respond(operation(openApi, "GET", "/api/v1/admin/jobs/{name}/runs"), "200", "JobRuns");

        schema(openApi, "Backup", object(props("name", TEXT, "file", nullable(TEXT),
                "status", oneOf(Arrays.stream(Backup.Status.values())
                        .map(status -> status.name().toLowerCase(Locale.ROOT)).toList()),
                "startedAt", INSTANT, "size", INT, "createdAt", INSTANT, "pauseMillis", INT,
                "serviceVersion", TEXT, "formatVersion", INT, "sha256", TEXT,
                "documents", Fields.schema("type", "object", "additionalProperties", INT,
                        "description", "documents per collection"), "error", nullable(TEXT)),
                "name", "status", "startedAt", "size"));
        schema(openApi, "BackupList", object(props("items", array(ref("Backup")), "available", BOOL,
                "nextDue", nullable(INSTANT), "stale", BOOL), "items", "available", "stale"));
        respond(operation(openApi, "GET", "/api/v1/admin/backups"), "200", "BackupList");
        respond(operation(openApi, "POST", "/api/v1/admin/backups"), "202", "Backup");
        respond(operation(openApi, "GET", "/api/v1/admin/backups/{name}"), "200", "Backup");
    }

    private static void mail(OpenAPI openApi) {
        schema(openApi, "MailMessage", object(props("id", ID, "key", TEXT, "to", TEXT, "subject", TEXT,
                "template", TEXT, "status", oneOf(MAIL_STATES), "attempts", INT, "lastError", nullable(TEXT),
                "lastAttemptAt", nullable(INSTANT), "nextAttemptAt", nullable(INSTANT), "createdAt", INSTANT,
                "sentAt", nullable(INSTANT), "failedAt", nullable(INSTANT)), "id", "to", "status", "attempts"));
        schema(openApi, "MailOutbox", object(props("enabled", Fields.schema("type", "boolean", "description",
                "whether outgoing mail is configured"), "items", array(ref("MailMessage")),
                "nextCursor", Bodies.CURSOR), "enabled", "items", "nextCursor"));
        respond(operation(openApi, "GET", "/api/v1/mail/outbox"), "200", "MailOutbox");
        respond(operation(openApi, "POST", "/api/v1/mail/outbox/{id}/retry"), "200", "MailMessage");

        Map<String, Object> sync = object(props("uidValidity", nullable(INT), "lastUid", nullable(INT),
                "logged", nullable(INT), "refused", nullable(INT), "lastPollLogged", nullable(INT),
                "lastPollRefused", nullable(INT), "lastError", nullable(TEXT), "lastRefusal", nullable(TEXT),
                "lastPollAt", nullable(INSTANT), "lastSuccessAt", nullable(INSTANT),
                "lastErrorAt", nullable(INSTANT), "lastRefusalAt", nullable(INSTANT)));
        schema(openApi, "InboundStatus", object(props(
                "smtp", object(props("enabled", BOOL, "running", BOOL, "port", nullable(INT),
                        "address", nullable(TEXT), "allowedSenderDomains", array(TEXT))),
                "imap", object(props("enabled", BOOL, "mailbox", nullable(TEXT),
                        "sync", Fields.schema("anyOf", List.of(sync, Bodies.NULL))))), "smtp", "imap"));
        respond(operation(openApi, "GET", "/api/v1/inbound/status"), "200", "InboundStatus");
        schema(openApi, "InboundEmail", object(props("id", ID, "messageId", nullable(TEXT), "from", nullable(TEXT),
                "to", Fields.schema("description", "the recipients as given"),
                "cc", Fields.schema("description", "the copied recipients as given"),
                "subject", nullable(TEXT), "via", TEXT, "state", TEXT, "date", nullable(INSTANT),
                "receivedAt", INSTANT, "attachments", array(object(props("filename", nullable(TEXT),
                        "contentType", nullable(TEXT), "size", nullable(INT), "stored", BOOL, "refused", TEXT))),
                "contactIds", array(ID), "activityIds", array(ID), "createdContacts", array(TEXT)),
                "id", "receivedAt", "attachments", "contactIds", "activityIds"));
        var receive = operation(openApi, "POST", "/api/v1/inbound/email");
        body(receive, InboundController.MEDIA_TYPE, Fields.schema("type", "string",
                "contentMediaType", InboundController.MEDIA_TYPE, "description", "the raw RFC 822 message"));
        respond(receive, "201", "InboundEmail");
        if (receive != null) {
            // 200: the same Message-ID was logged before (the stored one is returned)
            receive.getResponses().addApiResponse("200", new io.swagger.v3.oas.models.responses.ApiResponse()
                    .description("Already logged").content(receive.getResponses().get("201").getContent()));
        }
    }
}
