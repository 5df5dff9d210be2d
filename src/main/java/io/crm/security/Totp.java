package io.crm.security;

import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.OptionalLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP) as every authenticator app makes them: HMAC-SHA1, a
 * 30-second step, 6 digits. A code is accepted for the current step and one either side (clocks drift, people type
 * slowly); which step matched is returned, so the caller can refuse that step and every earlier one afterwards
 * (each code usable once). Plain Java: no Spring, no store.
 */
public final class Totp {

    public static final long STEP_SECONDS = 30;
    public static final int DIGITS = 6;
    /** Steps accepted either side of the current one. */
    public static final int WINDOW = 1;
    /** 160 bits, the HMAC-SHA1 block's natural key size (RFC 4226 recommends at least 128). */
    static final int SECRET_BYTES = 20;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Totp() {
    }

    /** A new random secret, Base32 (what the QR code and the text carry). */
    public static String newSecret() {
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        return Base32.encode(secret);
    }

    /** The time step an instant falls in (Unix time / 30 s). */
    public static long step(Instant time) {
        return Math.floorDiv(time.getEpochSecond(), STEP_SECONDS);
    }

    /** The code of one step, {@code digits} long, for a raw key (RFC 4226 dynamic truncation). */
    static String code(byte[] key, long step, int digits) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0x0f;
            int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
                    | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
            int modulus = 1;
            for (int i = 0; i < digits; i++) {
                modulus *= 10;
            }
            return String.format("%0" + digits + "d", binary % modulus);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JDK", e);
        }
    }

    /** The 6-digit code of a Base32 secret at a step. */
    public static String code(String secret, long step) {
        return code(Base32.decode(secret), step, DIGITS);
    }

    /**
     * The step (now, or one either side) whose code this is, or empty: a wrong code, a malformed one, or one of a step
     * further away. Compared in constant time, all three steps always computed.
     */
    public static OptionalLong matchingStep(String secret, String code, Instant now) {
        if (code == null) {
            return OptionalLong.empty();
        }
        String typed = code.replace(" ", "").strip();
        if (typed.length() != DIGITS || !typed.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        byte[] key = Base32.decode(secret);
        long current = step(now);
        long found = Long.MIN_VALUE;
        for (long step = current - WINDOW; step <= current + WINDOW; step++) {
            if (MessageDigest.isEqual(code(key, step, DIGITS).getBytes(StandardCharsets.US_ASCII),
                    typed.getBytes(StandardCharsets.US_ASCII))) {
                found = step;
            }
        }
        return found == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(found);
    }

    /** The otpauth:// URI authenticator apps read from the QR code (Key Uri Format). */
    public static String uri(String issuer, String account, String secret) {
        String label = enc(issuer) + ":" + enc(account);
        return "otpauth://totp/" + label + "?secret=" + secret + "&issuer=" + enc(issuer)
                + "&algorithm=SHA1&digits=" + DIGITS + "&period=" + STEP_SECONDS;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
