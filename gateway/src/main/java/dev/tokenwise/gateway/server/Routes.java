package dev.tokenwise.gateway.server;

/** Where the gateway's HTTP routes are registered; a path segment {@code {name}} is a path parameter. */
public interface Routes {
    /** Handles one call; an exception becomes the JSON error the client sees ({@link ErrorMapper}). */
    @FunctionalInterface
    interface Handler {
        void handle(HttpCall call) throws Exception;
    }

    void get(String path, Handler handler);

    void post(String path, Handler handler);

    void delete(String path, Handler handler);
}
