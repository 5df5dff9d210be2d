package io.crm.record;

import java.util.List;

/**
 * Failures of CRM record operations, each mapped to one HTTP status by the web layer. Kept free of Spring so the
 * domain rules are testable on their own. All of them mean that nothing was written.
 */
public abstract class RecordException extends RuntimeException {

    private final int status;
    private final String title;

    protected RecordException(int status, String title, String message) {
        super(message, null, false, false);
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** 400: the body breaks the resource's rules; {@link #errors()} says which fields and why. */
    public static final class Invalid extends RecordException {
        private final List<FieldError> errors;

        public Invalid(List<FieldError> errors) {
            super(400, "Validation failed", "The request has invalid fields");
            this.errors = List.copyOf(errors);
        }

        public Invalid(String field, String message) {
            this(List.of(new FieldError(field, message)));
        }

        public List<FieldError> errors() {
            return errors;
        }
    }

    /** 400: a query parameter (limit, sort, cursor, filter) is not acceptable. */
    public static final class BadQuery extends RecordException {
        public BadQuery(String message) {
            super(400, "Bad request", message);
        }
    }

    /** 403: the signed-in user's role does not allow this. */
    public static final class Forbidden extends RecordException {
        public Forbidden(String message) {
            super(403, "Forbidden", message);
        }
    }

    /** 404: no such record (or a malformed id, which cannot name one). */
    public static final class NotFound extends RecordException {
        public NotFound(String what) {
            super(404, "Not found", what + " not found");
        }
    }

    /** 409: a unique field (email, domain, externalId...) is already taken. */
    public static final class Duplicate extends RecordException {
        private final String field;

        public Duplicate(String message) {
            this(null, message);
        }

        /** @param field the API field whose value is taken (null when unknown), for per-row reports (imports) */
        public Duplicate(String field, String message) {
            super(409, "Conflict", message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    /** 409: the change would break a rule about the current state (e.g. removing the last admin). */
    public static final class Conflict extends RecordException {
        public Conflict(String message) {
            super(409, "Conflict", message);
        }
    }

    /** 412: the record changed since the version the client based its change on. */
    public static final class StaleVersion extends RecordException {
        public StaleVersion(long expected, long actual) {
            super(412, "Precondition failed",
                    "The record is at version " + actual + ", not " + expected + "; reload it and retry");
        }
    }
}
