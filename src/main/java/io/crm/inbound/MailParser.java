package io.crm.inbound;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import io.crm.inbound.InboundRejected.Reason;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.ParseException;
import org.owasp.html.Encoding;
import org.owasp.html.HtmlPolicyBuilder;
import org.owasp.html.PolicyFactory;
import org.owasp.html.Sanitizers;

/**
 * Turns a raw RFC 822 message into a {@link ParsedEmail}, or refuses it with an {@link InboundRejected}: larger than
 * the limit, malformed MIME (no usable From, a multipart without its boundary or cut short, an unknown transfer
 * encoding, nesting too deep), a text part in an unknown charset or whose bytes are not that charset, a sender outside
 * the allowed domains. HTML is kept only sanitised (no scripts, event handlers, styles sheets, forms or remote
 * images). Plain Java: no Spring, no store.
 */
public final class MailParser {

    /** Nested multiparts deeper than this are refused (a crafted message could otherwise nest without end). */
    static final int MAX_DEPTH = 10;
    /** MIME parts per message beyond which it is refused. */
    static final int MAX_PARTS = 500;
    /** Longest subject or display name kept (a header may be folded over megabytes). */
    static final int MAX_HEADER_TEXT = 1000;
    /** To and Cc addresses together beyond which a message is refused (no real conversation has more). */
    static final int MAX_RECIPIENTS = 1000;

    /**
     * Formatting, blocks, links and tables survive; scripts, event handlers, forms, iframes, style sheets and images
     * (remote images are tracking pixels) do not.
     */
    private static final PolicyFactory HTML_POLICY = Sanitizers.FORMATTING.and(Sanitizers.BLOCKS)
            .and(Sanitizers.LINKS).and(Sanitizers.TABLES).and(Sanitizers.STYLES);
    /** No element at all: the text of an HTML-only message. */
    private static final PolicyFactory TEXT_ONLY = new HtmlPolicyBuilder().toFactory();

    private final long maxSize;
    private final List<String> allowedSenderDomains;

    /**
     * @param maxSize              the largest raw message in bytes
     * @param allowedSenderDomains lower-case domains the From address must be in; empty: any
     */
    public MailParser(long maxSize, List<String> allowedSenderDomains) {
        this.maxSize = maxSize;
        this.allowedSenderDomains = List.copyOf(allowedSenderDomains);
    }

    public long maxSize() {
        return maxSize;
    }

    /** Reads at most the limit from {@code in} (one byte more tells it is too large), then parses. */
    public ParsedEmail parse(InputStream in) throws IOException {
        byte[] raw = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxSize + 1));
        return parse(raw);
    }

    public ParsedEmail parse(byte[] raw) {
        if (raw.length > maxSize) {
            throw new InboundRejected(Reason.TOO_LARGE, "The message is larger than " + maxSize + " bytes");
        }
        if (raw.length == 0) {
            throw new InboundRejected(Reason.MALFORMED, "The message is empty");
        }
        try {
            MimeMessage message = new MimeMessage(session(), new ByteArrayInputStream(raw));
            InternetAddress from = sender(message);
            checkSenderDomain(from.getAddress());
            Body body = new Body();
            walk(message, body, 0);
            String html = body.html == null ? "" : HTML_POLICY.sanitize(body.html);
            String text = body.text != null ? body.text
                    : body.html == null ? "" : Encoding.decodeHtml(TEXT_ONLY.sanitize(body.html)).strip();
            List<ParsedEmail.Address> to = addresses(message, Message.RecipientType.TO);
            List<ParsedEmail.Address> cc = addresses(message, Message.RecipientType.CC);
            if (to.size() + cc.size() > MAX_RECIPIENTS) {
                throw new InboundRejected(Reason.MALFORMED, "The message has more than " + MAX_RECIPIENTS
                        + " To and Cc addresses");
            }
            return new ParsedEmail(messageId(message, raw), lower(from.getAddress()), name(from), to, cc,
                    subject(message), message.getSentDate() == null ? null : message.getSentDate().toInstant(),
                    text, html, List.copyOf(body.attachments), raw.length);
        } catch (MessagingException e) {
            throw new InboundRejected(Reason.MALFORMED, "The message is not valid MIME: " + e.getMessage());
        } catch (IOException e) {
            throw new InboundRejected(Reason.MALFORMED, "The message content cannot be decoded: " + e.getMessage());
        }
    }

    /** Whether {@code address}'s domain is allowed to send (any, when no domains are configured). */
    public boolean senderAllowed(String address) {
        if (allowedSenderDomains.isEmpty()) {
            return true;
        }
        int at = address.lastIndexOf('@');
        String domain = at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
        return allowedSenderDomains.contains(domain);
    }

    /** Whether {@code address} is in one of the allowed sender domains (false when none are configured). */
    public boolean ownDomain(String address) {
        return !allowedSenderDomains.isEmpty() && senderAllowed(address);
    }

    private void checkSenderDomain(String address) {
        if (!senderAllowed(address)) {
            throw new InboundRejected(Reason.SENDER, "The sender " + address + " is not in an allowed sender domain");
        }
    }

    private static Session session() {
        Properties properties = new Properties();
        // a multipart cut short or without its boundary is an error, not guessed at
        properties.setProperty("mail.mime.multipart.ignoremissingendboundary", "false");
        properties.setProperty("mail.mime.multipart.ignoremissingboundaryparameter", "false");
        properties.setProperty("mail.mime.multipart.ignoreexistingboundaryparameter", "false");
        // raw UTF-8 headers (RFC 6532) are read as UTF-8
        properties.setProperty("mail.mime.allowutf8", "true");
        return Session.getInstance(properties);
    }

    private static InternetAddress sender(MimeMessage message) throws MessagingException {
        String[] headers = message.getHeader("From");
        if (headers == null || headers.length != 1) {
            throw new InboundRejected(Reason.MALFORMED, "The message must have exactly one From header");
        }
        InternetAddress[] from;
        try {
            from = InternetAddress.parseHeader(headers[0], true);
        } catch (AddressException e) {
            throw new InboundRejected(Reason.MALFORMED, "The From header is not a valid address");
        }
        if (from.length != 1 || from[0].isGroup() || from[0].getAddress() == null
                || from[0].getAddress().indexOf('@') < 1) {
            throw new InboundRejected(Reason.MALFORMED, "The From header must name exactly one address");
        }
        return from[0];
    }

    private static List<ParsedEmail.Address> addresses(MimeMessage message, Message.RecipientType type)
            throws MessagingException {
        Address[] found;
        try {
            found = message.getRecipients(type);
        } catch (AddressException e) {
            throw new InboundRejected(Reason.MALFORMED, "The " + type + " header is not a list of addresses");
        }
        List<ParsedEmail.Address> result = new ArrayList<>();
        if (found != null) {
            for (Address a : found) {
                if (a instanceof InternetAddress ia && !ia.isGroup() && ia.getAddress() != null
                        && ia.getAddress().indexOf('@') > 0) {
                    result.add(new ParsedEmail.Address(lower(ia.getAddress()), name(ia)));
                }
            }
        }
        return result;
    }

    private static String subject(MimeMessage message) throws MessagingException {
        String subject = message.getSubject();
        String flat = subject == null ? "" : subject.replaceAll("[\\r\\n\\t]+", " ").strip();
        return flat.length() <= MAX_HEADER_TEXT ? flat : flat.substring(0, MAX_HEADER_TEXT);
    }

    /** The Message-ID; without one, a digest of the content, so the same message sent twice is still one. */
    private static String messageId(MimeMessage message, byte[] raw) throws MessagingException {
        String id = message.getMessageID();
        if (id != null && !id.isBlank()) {
            String stripped = id.strip();
            return stripped.length() <= 998 ? stripped : stripped.substring(0, 998);
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw);
            return "<" + HexFormat.of().formatHex(digest) + "@no-message-id.invalid>";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the walk over the parts collects: the first text and HTML bodies, the attachments. */
    private static final class Body {
        String text;
        String html;
        final List<ParsedEmail.Attachment> attachments = new ArrayList<>();
        int parts;
    }

    private void walk(Part part, Body body, int depth) throws MessagingException, IOException {
        if (depth > MAX_DEPTH || ++body.parts > MAX_PARTS) {
            throw new InboundRejected(Reason.MALFORMED, "The message nests too deep or has too many parts");
        }
        ContentType type = contentType(part);
        String base = type.getBaseType().toLowerCase(Locale.ROOT);
        if (base.startsWith("multipart/")) {
            if (type.getParameter("boundary") == null) {
                throw new InboundRejected(Reason.MALFORMED, "A multipart part has no boundary");
            }
            Object content = part.getContent();
            if (!(content instanceof MimeMultipart multipart) || !multipart.isComplete()) {
                throw new InboundRejected(Reason.MALFORMED, "A multipart part is cut short (no closing boundary)");
            }
            for (int i = 0; i < multipart.getCount(); i++) {
                walk(multipart.getBodyPart(i), body, depth + 1);
            }
            return;
        }
        boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || part.getFileName() != null;
        byte[] content = decoded(part);
        if (!attachment && base.equals("text/plain") && body.text == null) {
            body.text = text(content, type).replace("\r\n", "\n");
        } else if (!attachment && base.equals("text/html") && body.html == null) {
            body.html = text(content, type);
        } else if (base.equals("message/rfc822") && !attachment) {
            // a forwarded message inline: kept as an attachment, so nothing of it is lost
            body.attachments.add(new ParsedEmail.Attachment("forwarded.eml", base, content));
        } else {
            String name = part.getFileName();
            body.attachments.add(new ParsedEmail.Attachment(name == null ? "" : decodeName(name), base, content));
        }
    }

    private static ContentType contentType(Part part) throws MessagingException {
        String header = part.getContentType();
        try {
            return new ContentType(header == null ? "text/plain" : header);
        } catch (ParseException e) {
            throw new InboundRejected(Reason.MALFORMED, "A part has an invalid Content-Type");
        }
    }

    /** The part's bytes with its transfer encoding undone; an unknown encoding or broken base64 is malformed. */
    private static byte[] decoded(Part part) throws MessagingException {
        try (InputStream in = part.getInputStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new InboundRejected(Reason.MALFORMED, "A part's transfer encoding cannot be decoded");
        }
    }

    /**
     * The text of a text part in its declared charset (UTF-8 when none is declared, as RFC 6532 mail does): an unknown
     * charset, or bytes that are not valid in it, refuse the message rather than store garbled text.
     */
    static String text(byte[] content, ContentType type) {
        String declared = type.getParameter("charset");
        Charset charset;
        try {
            charset = declared == null || declared.isBlank() ? StandardCharsets.UTF_8
                    : Charset.forName(MimeUtility.javaCharset(declared.strip()));
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new InboundRejected(Reason.CHARSET, "Unknown charset " + printable(declared));
        }
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            throw new InboundRejected(Reason.CHARSET, "The text is not valid " + charset.name());
        }
    }

    private static String decodeName(String name) {
        try {
            return MimeUtility.decodeText(name).replaceAll("[\\p{Cntrl}/\\\\]", "_");
        } catch (java.io.UnsupportedEncodingException e) {
            return name.replaceAll("[\\p{Cntrl}/\\\\]", "_");
        }
    }

    private static String name(InternetAddress address) {
        String personal = address.getPersonal();
        String flat = personal == null ? "" : personal.replaceAll("[\\r\\n\\t]+", " ").strip();
        return flat.length() <= MAX_HEADER_TEXT ? flat : flat.substring(0, MAX_HEADER_TEXT);
    }

    private static String lower(String address) {
        return address.strip().toLowerCase(Locale.ROOT);
    }

    private static String printable(String s) {
        String cut = s.length() > 40 ? s.substring(0, 40) : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
