package io.crm.feed;

import java.nio.ByteBuffer;
import java.util.Base64;

import io.crm.record.RecordException;

/**
 * The feed's cursor: the sequence number of the last event a client has seen, as an opaque base64url text (11
 * characters), so clients store and send it back without reading anything into it.
 */
final class FeedCursor {

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private FeedCursor() {
    }

    static String encode(long seq) {
        return ENCODER.encodeToString(ByteBuffer.allocate(Long.BYTES).putLong(seq).array());
    }

    /** The sequence number a cursor stands for; 400 for anything {@link #encode} never made. */
    static long decode(String cursor) {
        byte[] bytes;
        try {
            bytes = DECODER.decode(cursor.strip());
        } catch (IllegalArgumentException e) {
            throw malformed();
        }
        if (bytes.length != Long.BYTES) {
            throw malformed();
        }
        long seq = ByteBuffer.wrap(bytes).getLong();
        // only the canonical spelling: a cursor is something we handed out, never something a client composes
        if (seq < 0 || !encode(seq).equals(cursor.strip())) {
            throw malformed();
        }
        return seq;
    }

    private static RecordException malformed() {
        return new RecordException.BadQuery("after is not a cursor this feed handed out");
    }
}
