package dev.tokenwise.gateway.resilience;

/** Waits between retries; injected so tests run without real delays. */
@FunctionalInterface
public interface Sleeper {
    void sleep(long millis) throws InterruptedException;

    Sleeper REAL = Thread::sleep;
}
