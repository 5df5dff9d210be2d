package io.crm.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.mongodb.client.model.Filters;
import io.crm.platform.web.LimitsProperties;
import io.crm.platform.web.Preconditions;
import io.crm.json.JsonValues;
import io.crm.record.RecordException;
import io.crm.security.Access;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.ObjectId;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The audit trail for admins (the request rules restrict /api/v1/audit to ADMIN, and so does method security), newest first. */
@RestController
@PreAuthorize(Access.ADMIN)
@Tag(name = "audit")
public class AuditController {

    private final AuditLog audit;
    private final LimitsProperties limits;

    public AuditController(AuditLog audit, LimitsProperties limits) {
        this.audit = audit;
        this.limits = limits;
    }

    @GetMapping("/api/v1/audit")
    @Operation(summary = "Audit events, newest first (filters: entityType [+ entityId], or actorId; cursor-paged)")
    public Map<String, Object> list(@RequestParam(required = false) String entityType,
                                    @RequestParam(required = false) String entityId,
                                    @RequestParam(required = false) String actorId,
                                    @RequestParam(required = false) String cursor,
                                    @RequestParam(required = false) String limit) {
        int size = Preconditions.limit(limit, limits.maxPageSize());
        List<Bson> and = new ArrayList<>();
        if (given(actorId)) {
            if (given(entityType) || given(entityId)) {
                throw new RecordException.BadQuery("filter by actorId, or by entityType (and entityId), not both");
            }
            and.add(Filters.eq("actorId", actorId));
        }
        if (given(entityId) && !given(entityType)) {
            throw new RecordException.BadQuery("entityId needs entityType");
        }
        if (given(entityType)) {
            and.add(Filters.eq("entityType", entityType));
        }
        if (given(entityId)) {
            and.add(Filters.eq("entityId", entityId));
        }
        if (given(cursor)) {
            if (!ObjectId.isValid(cursor)) {
                throw new RecordException.BadQuery("cursor is not valid");
            }
            and.add(Filters.lt("_id", new ObjectId(cursor)));
        }
        List<Document> page = audit.collection().find(and.isEmpty() ? new Document() : Filters.and(and))
                .sort(new Document("_id", -1)).limit(size + 1).into(new ArrayList<>());
        String next = null;
        if (page.size() > size) {
            page = page.subList(0, size);
            next = page.get(size - 1).getObjectId("_id").toHexString();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.stream().map(AuditController::toJson).toList());
        body.put("nextCursor", next);
        return body;
    }

    private static Map<String, Object> toJson(Document event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", event.getObjectId("_id").toHexString());
        json.put("at", JsonValues.toJson(event.get("at")));
        // in this order on every run (Map.of's order changes between JVMs), so two answers compare as text
        Map<String, Object> actor = new LinkedHashMap<>();
        actor.put("id", event.getString("actorId"));
        actor.put("name", event.getString("actorName"));
        json.put("actor", actor);
        json.put("action", event.getString("action"));
        json.put("entityType", event.getString("entityType"));
        json.put("entityId", event.getString("entityId"));
        json.put("version", event.get("version"));
        json.put("state", event.getString("state"));
        json.put("changes", JsonValues.toJson(event.get("changes")));
        return json;
    }

    private static boolean given(String value) {
        return value != null && !value.isBlank();
    }
}
