package io.crm.record;

/** One rejected field of a request body: the field's JSON name and a message a person can act on. */
public record FieldError(String field, String message) {
}
