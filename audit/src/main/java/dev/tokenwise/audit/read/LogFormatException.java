package dev.tokenwise.audit.read;

/** A file that is none of the supported log formats (or not the one asked for); the message says what was expected where. */
public final class LogFormatException extends IllegalArgumentException {
    public LogFormatException(String message) {
        super(message);
    }
}
