package dev.tokenwise.gateway.resilience;

import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One circuit per upstream model: closed while calls succeed; open after {@code failures}
 * consecutive failures, failing fast for {@code openMs}; then half-open, letting a single trial
 * call through whose outcome closes or re-opens it.
 */
public final class CircuitBreaker {
    /** The state of one circuit, as reported in metrics and the dashboard. */
    public enum State { CLOSED, OPEN, HALF_OPEN }

    private final int failures;
    private final long openMs;
    private final InstantSource clock;
    private final ConcurrentHashMap<String, Circuit> circuits = new ConcurrentHashMap<>();

    private static final class Circuit {
        final AtomicInteger consecutiveFailures = new AtomicInteger();
        final AtomicLong openedAt = new AtomicLong(-1);
        final AtomicBoolean trialInFlight = new AtomicBoolean();
    }

    public CircuitBreaker(int failures, long openMs, InstantSource clock) {
        if (failures < 1) throw new IllegalArgumentException("breaker failures must be >= 1, was " + failures);
        this.failures = failures;
        this.openMs = openMs;
        this.clock = clock;
    }

    private Circuit circuit(String key) {
        return circuits.computeIfAbsent(key, k -> new Circuit());
    }

    public State state(String key) {
        Circuit c = circuits.get(key);
        if (c == null || c.openedAt.get() < 0) return State.CLOSED;
        return clock.millis() - c.openedAt.get() >= openMs ? State.HALF_OPEN : State.OPEN;
    }

    /** True when a call may go to this upstream now (closed, or the one half-open trial). */
    public boolean allow(String key) {
        Circuit c = circuit(key);
        long opened = c.openedAt.get();
        if (opened < 0) return true;
        if (clock.millis() - opened < openMs) return false;
        return c.trialInFlight.compareAndSet(false, true);
    }

    public void onSuccess(String key) {
        Circuit c = circuit(key);
        c.consecutiveFailures.set(0);
        c.openedAt.set(-1);
        c.trialInFlight.set(false);
    }

    public void onFailure(String key) {
        Circuit c = circuit(key);
        if (c.trialInFlight.getAndSet(false)) {
            // the half-open trial failed: open again for a full period
            c.openedAt.set(clock.millis());
            return;
        }
        if (c.consecutiveFailures.incrementAndGet() >= failures) c.openedAt.compareAndSet(-1, clock.millis());
    }
}
