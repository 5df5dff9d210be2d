package io.crm.mail;

import java.util.Map;

/**
 * One message to send. {@code key} names it for good: the outbox sends a key once, however often it is enqueued (by
 * several replicas, after restarts), and the Message-ID is derived from it. {@code template} names the pair
 * {@code templates/mail/<template>.txt} and {@code .html}, rendered with {@code model} (strings, numbers, booleans,
 * lists and maps of those: it is stored until the message is sent).
 *
 * @param key      unique name of the message, e.g. {@code reminder:<activityId>:<dueAt>}
 * @param to       the recipient's address
 * @param toName   the recipient's display name (may be null)
 * @param subject  the subject line (control characters become spaces: never a header of their own)
 * @param template the template pair's name
 * @param model    the templates' variables
 */
public record Mail(String key, String to, String toName, String subject, String template, Map<String, Object> model) {
}
