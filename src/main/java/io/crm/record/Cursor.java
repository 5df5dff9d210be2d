package io.crm.record;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;

import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

/**
 * An opaque keyset position: the sort field and direction it belongs to, the last item's sort value and its id. Keyset
 * paging (rather than skip) returns every record exactly once while others are inserted, and stays fast on any page.
 */
public record Cursor(String sort, Object value, ObjectId id) {

    private static final String SEP = "\n";

    public static Cursor after(SortOrder order, Object value, ObjectId id) {
        return new Cursor((order.ascending() ? "" : "-") + order.field(), value, id);
    }

    public String encode() {
        String typed = value instanceof Date d ? "d" + d.getTime()
                : value instanceof Decimal128 m ? "m" + m.bigDecimalValue().toPlainString()
                : value == null ? "n" : "s" + value;
        String raw = "v1" + SEP + sort + SEP + id.toHexString() + SEP + typed;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes a cursor made for {@code order}; anything else (garbled, forged, other sort) is a 400. */
    public static Cursor decode(String token, SortOrder order) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            String[] parts = raw.split(SEP, 4);
            String expectedSort = (order.ascending() ? "" : "-") + order.field();
            if (parts.length != 4 || !parts[0].equals("v1") || !parts[1].equals(expectedSort)
                    || !ObjectId.isValid(parts[2]) || parts[3].isEmpty()) {
                throw new IllegalArgumentException("malformed");
            }
            String typed = parts[3];
            Object value = switch (typed.charAt(0)) {
                case 'd' -> new Date(Long.parseLong(typed.substring(1)));
                case 's' -> typed.substring(1);
                case 'm' -> new Decimal128(new java.math.BigDecimal(typed.substring(1)));
                case 'n' -> null;
                default -> throw new IllegalArgumentException("type");
            };
            return new Cursor(parts[1], value, new ObjectId(parts[2]));
        } catch (IllegalArgumentException e) {
            throw new RecordException.BadQuery("cursor is not valid for this list and sort; start again without it");
        }
    }
}
