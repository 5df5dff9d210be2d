package io.crm.search;

import io.crm.record.RecordException;

/** 503: the search ran into the server-side time limit; nothing partial is returned. */
public final class SearchTimedOut extends RecordException {

    public SearchTimedOut(long maxMillis) {
        super(503, "Service unavailable", "The search did not finish within its time limit of " + maxMillis
                + " ms, so no result is returned; narrow it (more filters, an indexed property such as an id, "
                + "stage or tag) or retry later");
    }
}
