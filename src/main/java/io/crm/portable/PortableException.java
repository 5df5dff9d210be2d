package io.crm.portable;

/**
 * An expected failure of an export or import (a refused file, a non-empty target, a store in use): the command prints
 * its message as one line, without a stack trace, and exits non-zero.
 */
public class PortableException extends RuntimeException {

    public PortableException(String message) {
        super(message);
    }

    public PortableException(String message, Throwable cause) {
        super(message, cause);
    }
}
