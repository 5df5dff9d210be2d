package io.crm.backup;

/** A backup file that cannot be used, or a restore that is refused; the message says why, for a person. */
public class BackupException extends RuntimeException {

    public BackupException(String message) {
        super(message);
    }

    public BackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
