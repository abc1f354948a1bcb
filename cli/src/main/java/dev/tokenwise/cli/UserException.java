package dev.tokenwise.cli;

/** A mistake in how a command was invoked or in its input; printed as one line, exit code 2. */
public final class UserException extends RuntimeException {
    public UserException(String message) {
        super(message);
    }
}
