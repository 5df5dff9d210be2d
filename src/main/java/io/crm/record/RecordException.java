package io.crm.record;

import java.util.List;

/**
 * Failures of CRM record operations, each mapped to one HTTP status by the web layer. Kept free of Spring so the
 * domain rules are testable on their own.
 */
public abstract class RecordException extends RuntimeException implements io.crm.audit.Refusal {

    protected RecordException(String message) {
        super(message, null, false, false);
    }

    public abstract int status();

    public abstract String title();

    /** 400: the body breaks the resource's rules; {@link #errors()} says which fields and why. */
    public static final class Invalid extends RecordException {
        private final List<FieldError> errors;

        public Invalid(List<FieldError> errors) {
            super("The request has invalid fields");
            this.errors = List.copyOf(errors);
        }

        public Invalid(String field, String message) {
            this(List.of(new FieldError(field, message)));
        }

        public List<FieldError> errors() {
            return errors;
        }

        @Override
        public int status() {
            return 400;
        }

        @Override
        public String title() {
            return "Validation failed";
        }
    }

    /** 400: a query parameter (limit, sort, cursor, filter) is not acceptable. */
    public static final class BadQuery extends RecordException {
        public BadQuery(String message) {
            super(message);
        }

        @Override
        public int status() {
            return 400;
        }

        @Override
        public String title() {
            return "Bad request";
        }
    }

    /** 404: no such record (or a malformed id, which cannot name one). */
    public static final class NotFound extends RecordException {
        public NotFound(String what) {
            super(what + " not found");
        }

        @Override
        public int status() {
            return 404;
        }

        @Override
        public String title() {
            return "Not found";
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
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }

        @Override
        public int status() {
            return 409;
        }

        @Override
        public String title() {
            return "Conflict";
        }
    }

    /** 409: the change would break a rule about the current state (e.g. removing the last admin). */
    public static final class Conflict extends RecordException {
        public Conflict(String message) {
            super(message);
        }

        @Override
        public int status() {
            return 409;
        }

        @Override
        public String title() {
            return "Conflict";
        }
    }

    /** 403: the signed-in user's role does not allow this. */
    public static final class Forbidden extends RecordException {
        public Forbidden(String message) {
            super(message);
        }

        @Override
        public int status() {
            return 403;
        }

        @Override
        public String title() {
            return "Forbidden";
        }
    }

    /** 412: the record changed since the version the client based its change on. */
    public static final class StaleVersion extends RecordException {
        public StaleVersion(long expected, long actual) {
            super("The record is at version " + actual + ", not " + expected + "; reload it and retry");
        }

        @Override
        public int status() {
            return 412;
        }

        @Override
        public String title() {
            return "Precondition failed";
        }
    }
}
