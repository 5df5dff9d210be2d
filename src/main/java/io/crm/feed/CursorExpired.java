package io.crm.feed;

import io.crm.record.RecordException;

/** 410: the cursor points before the oldest retained event, so the client missed events retention deleted. */
final class CursorExpired extends RecordException {

    CursorExpired() {
        super(410, "Gone", "cursor expired, restart from the beginning of the retained feed (omit 'after')");
    }
}
