package io.crm.person;

/** A failure of the legacy API, answered as {@code {"error": message}} with its status. */
final class LegacyException extends RuntimeException {

    static final String NOT_FOUND = "Person not found";
    static final String NO_DATA = "No data provided";

    private final int status;

    LegacyException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    int status() {
        return status;
    }

    static LegacyException badRequest(String message) {
        return new LegacyException(400, message);
    }

    static LegacyException notFound() {
        return new LegacyException(404, NOT_FOUND);
    }

    static LegacyException conflict(String message) {
        return new LegacyException(409, message);
    }
}
