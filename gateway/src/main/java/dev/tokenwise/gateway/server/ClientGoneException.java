package dev.tokenwise.gateway.server;

/** The client closed the connection; nothing more can be written, upstream work should stop. */
public final class ClientGoneException extends RuntimeException {
    public ClientGoneException(Throwable cause) {
        super("client disconnected", cause, false, false);
    }
}
