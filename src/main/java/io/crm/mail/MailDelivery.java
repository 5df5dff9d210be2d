package io.crm.mail;

import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.bson.Document;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSender;

/**
 * Sends one outbox message over SMTP: multipart/alternative (text and HTML), From {@code crm.mail.from}, and a
 * Message-ID derived from the message's key, so that the same message sent twice (a crash after the relay accepted
 * it and before it was marked sent) carries the same Message-ID and receivers can recognise it. Subjects and names
 * lose their control characters: a CR or LF never starts a header of its own.
 */
class MailDelivery {

    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u0085\\u2028\\u2029]+");

    private final JavaMailSender sender;
    private final MailTemplates templates;
    private final InternetAddress from;

    MailDelivery(JavaMailSender sender, MailTemplates templates, String from) {
        this.sender = sender;
        this.templates = templates;
        try {
            InternetAddress[] parsed = InternetAddress.parse(oneLine(from), true);
            if (parsed.length != 1) {
                throw new IllegalArgumentException("crm.mail.from must be one address");
            }
            this.from = parsed[0];
        } catch (AddressException e) {
            throw new IllegalArgumentException("crm.mail.from is not a valid address: " + e.getMessage(), e);
        }
    }

    /** Control characters (CR, LF, tab, NEL, line and paragraph separators) become one space each run. */
    static String oneLine(String value) {
        return value == null ? null : CONTROL.matcher(value).replaceAll(" ").strip();
    }

    /** {@code <hex@domain>}: the SHA-256 of the key, at the From address's domain. */
    String messageId(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            String address = from.getAddress();
            return "<" + HexFormat.of().formatHex(hash, 0, 20) + "@" + address.substring(address.indexOf('@') + 1)
                    + ">";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    MailOutbox.Outcome send(Document message) {
        MimeMessage mime;
        try {
            Document model = message.get("model", Document.class);
            MailTemplates.Rendered body = templates.render(message.getString("template"),
                    model == null ? Map.of() : (Map<String, Object>) (Map<?, ?>) model);
            mime = sender.createMimeMessage();
            mime.setFrom(from);
            mime.setRecipient(Message.RecipientType.TO, recipient(message.getString("to"),
                    message.getString("toName")));
            mime.setSubject(oneLine(message.getString("subject")), StandardCharsets.UTF_8.name());
            // multipart/alternative and nothing around it: no attachments, no inline images
            MimeMultipart alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(part(body.text(), "plain"));
            alternative.addBodyPart(part(body.html(), "html"));
            mime.setContent(alternative);
            mime.setHeader("Message-ID", messageId(message.getString("key")));
        } catch (MessagingException | UnsupportedEncodingException | RuntimeException e) {
            // a bad address or a template that does not render: no later attempt does better
            return MailOutbox.Outcome.refused("not sent: " + describe(e));
        }
        try {
            sender.send(mime);
            return MailOutbox.Outcome.SENT;
        } catch (MailAuthenticationException e) {
            return MailOutbox.Outcome.retry("the mail server refused the sign-in: " + describe(e));
        } catch (MailSendException e) {
            Integer code = smtpCode(e);
            if (code != null && code >= 500) {
                return MailOutbox.Outcome.refused("refused by the mail server: " + describe(e));
            }
            return MailOutbox.Outcome.retry(describe(e));
        } catch (MailException e) {
            return MailOutbox.Outcome.retry(describe(e));
        }
    }

    private static MimeBodyPart part(String content, String subtype) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(content, StandardCharsets.UTF_8.name(), subtype);
        return part;
    }

    private static InternetAddress recipient(String to, String name) throws AddressException,
            UnsupportedEncodingException {
        InternetAddress address = new InternetAddress(oneLine(to), true);
        if (name != null && !oneLine(name).isEmpty()) {
            // setPersonal encodes and quotes the name: it can never close the address or add one
            address.setPersonal(oneLine(name), StandardCharsets.UTF_8.name());
        }
        return address;
    }

    /** The SMTP reply code of the first refusal in the exception's causes, if the server gave one. */
    private static Integer smtpCode(MailSendException e) {
        for (Exception failure : e.getMessageExceptions()) {
            for (Throwable t = failure; t != null; t = nextOf(t)) {
                if (t instanceof SMTPAddressFailedException a) {
                    return a.getReturnCode();
                }
                if (t instanceof SMTPSenderFailedException s) {
                    return s.getReturnCode();
                }
                if (t instanceof SMTPSendFailedException s) {
                    return s.getReturnCode();
                }
            }
        }
        return null;
    }

    private static Throwable nextOf(Throwable t) {
        if (t instanceof MessagingException m && m.getNextException() != null && m.getNextException() != t) {
            return m.getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }

    /** One line, at most 500 characters: what the admin page shows. */
    private static String describe(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null && out.length() < 500; t = nextOf(t)) {
            String text = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (out.indexOf(text) < 0) {
                out.append(out.isEmpty() ? "" : "; ").append(text);
            }
        }
        String line = oneLine(out.toString());
        return line.length() > 500 ? line.substring(0, 500) : line;
    }
}
