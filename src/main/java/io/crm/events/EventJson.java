package io.crm.events;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crm.json.JsonValues;

/**
 * The one public JSON shape of an event, the same in the event feed and in webhook deliveries:
 * {@code {"id","type","occurredAt","actor":{"id","name"},"object":{"type","id"},"changes":[{"field","old","new"}],
 * "version"}}.
 */
public final class EventJson {

    private EventJson() {
    }

    public static Map<String, Object> toJson(Event event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", event.id().toHexString());
        json.put("type", event.type());
        json.put("occurredAt", event.occurredAt());
        json.put("actor", Map.of("id", event.actor().id(), "name", event.actor().name()));
        json.put("object", Map.of("type", event.objectType(), "id", event.objectId()));
        json.put("changes", changes(event.changes()));
        json.put("version", event.version());
        return json;
    }

    private static List<Map<String, Object>> changes(List<Change> changes) {
        return changes.stream().map(c -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("field", c.field());
            json.put("old", JsonValues.toJson(c.oldValue()));
            json.put("new", JsonValues.toJson(c.newValue()));
            return json;
        }).toList();
    }
}
