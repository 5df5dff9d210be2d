package io.crm.json;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

/**
 * Stored (BSON) values to JSON-ready Java values: ids as hex strings, dates as instants (ISO-8601 UTC), decimals as
 * exact strings ("1234.50"), sub-documents as objects.
 */
public final class JsonValues {

    private JsonValues() {
    }

    public static Object toJson(Object value) {
        if (value instanceof ObjectId id) {
            return id.toHexString();
        }
        if (value instanceof Date date) {
            return date.toInstant();
        }
        if (value instanceof Decimal128 decimal) {
            return decimal.isNaN() || decimal.isInfinite() ? decimal.toString()
                    : decimal.bigDecimalValue().toPlainString();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), toJson(v)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(toJson(v)));
            return out;
        }
        if (value instanceof Binary binary) {
            return java.util.Base64.getEncoder().encodeToString(binary.getData());
        }
        return value;
    }
}
