package io.crm.support;

import java.util.LinkedHashMap;
import java.util.Map;

/** Request bodies written inline: {@code Bodies.of("name", "Ann", "tags", List.of("vip"))}, in the given order. */
public final class Bodies {

    private Bodies() {
    }

    public static Map<String, Object> of(Object... fieldsAndValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i + 1 < fieldsAndValues.length; i += 2) {
            body.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        return body;
    }
}
