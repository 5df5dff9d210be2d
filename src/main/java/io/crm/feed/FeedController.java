package io.crm.feed;

import java.util.LinkedHashMap;
import java.util.Map;

import io.crm.events.EventJson;
import io.crm.platform.web.LimitsProperties;
import io.crm.platform.web.Preconditions;
import io.crm.security.Access;
import io.crm.security.CurrentUser;
import io.crm.security.Role;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The event feed (docs/events.md): every change, oldest first, paged by an opaque cursor a client polls with. Viewers
 * may read it, without the events of users and tokens.
 */
@RestController
@PreAuthorize(Access.VIEWER)
@Tag(name = "events")
public class FeedController {

    private final FeedReader reader;
    private final LimitsProperties limits;

    FeedController(FeedReader reader, LimitsProperties limits) {
        this.reader = reader;
        this.limits = limits;
    }

    @GetMapping("/api/v1/events")
    @Operation(summary = "Events, oldest first, after a cursor (types: contact.created,deal.*; 410 when the cursor "
            + "is older than the retained feed)")
    public Map<String, Object> list(@RequestParam(required = false) String after,
                                    @RequestParam(required = false) String types,
                                    @RequestParam(required = false) String limit) {
        int size = Preconditions.limit(limit, limits.maxPageSize());
        FeedTypes filter = FeedTypes.parse(types);
        boolean member = CurrentUser.get().role() != Role.VIEWER;
        FeedReader.Page page = reader.page(after == null || after.isBlank() ? null : after, filter, size, member);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", page.events().stream().map(EventJson::toJson).toList());
        body.put("nextCursor", page.nextCursor());
        return body;
    }
}
