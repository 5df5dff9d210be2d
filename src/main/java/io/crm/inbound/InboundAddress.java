package io.crm.inbound;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * The capture address, e.g. {@code log@crm.example.com}, and its shared secret: the listener accepts mail only for
 * {@code log+<secret>@crm.example.com}, so a stranger who learns the plain address cannot write onto the timelines.
 * Plain Java.
 */
public final class InboundAddress {

    private final String local;
    private final String domain;
    private final byte[] secret;

    /** @param address {@code local@domain}, possibly empty (no listener); {@code secret} may be empty likewise */
    public InboundAddress(String address, String secret) {
        String a = address == null ? "" : address.strip().toLowerCase(Locale.ROOT);
        int at = a.lastIndexOf('@');
        this.local = at > 0 ? a.substring(0, at) : "";
        this.domain = at > 0 ? a.substring(at + 1) : "";
        this.secret = (secret == null ? "" : secret.strip()).getBytes(StandardCharsets.UTF_8);
    }

    /** Whether both an address and a secret are set (the SMTP listener needs both). */
    public boolean configured() {
        return !local.isEmpty() && !domain.isEmpty() && secret.length > 0;
    }

    /** Why the listener cannot run with these settings; null when it can. */
    public String problem() {
        if (local.isEmpty() || domain.isEmpty()) {
            return "CRM_INBOUND_ADDRESS must be an address such as log@crm.example.com";
        }
        if (local.contains("+")) {
            return "CRM_INBOUND_ADDRESS must not contain '+' (the secret is added after it)";
        }
        if (secret.length < 16) {
            return "CRM_INBOUND_SECRET (or CRM_INBOUND_SECRET_FILE) must be at least 16 characters";
        }
        return null;
    }

    /** The address senders use: {@code local+secret@domain}. */
    public String withSecret() {
        return local + "+" + new String(secret, StandardCharsets.UTF_8) + "@" + domain;
    }

    /** Whether an SMTP recipient is the capture address with the right secret (compared in constant time). */
    public boolean accepts(String recipient) {
        if (!configured() || recipient == null) {
            return false;
        }
        String r = recipient.strip();
        int at = r.lastIndexOf('@');
        int plus = r.indexOf('+');
        if (at < 0 || plus < 0 || plus > at) {
            return false;
        }
        boolean sameMailbox = r.substring(0, plus).toLowerCase(Locale.ROOT).equals(local)
                & r.substring(at + 1).toLowerCase(Locale.ROOT).equals(domain);
        boolean sameSecret = MessageDigest.isEqual(r.substring(plus + 1, at).getBytes(StandardCharsets.UTF_8), secret);
        return sameMailbox & sameSecret;
    }

    /** Whether an address is the capture mailbox itself (with or without any {@code +tag}): never a contact. */
    public boolean isCaptureAddress(String email) {
        if (local.isEmpty()) {
            return false;
        }
        String e = email.toLowerCase(Locale.ROOT);
        int at = e.lastIndexOf('@');
        if (at < 0 || !e.substring(at + 1).equals(domain)) {
            return false;
        }
        String l = e.substring(0, at);
        return l.equals(local) || l.startsWith(local + "+");
    }
}
