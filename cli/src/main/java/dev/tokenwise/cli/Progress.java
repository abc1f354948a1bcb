package dev.tokenwise.cli;

import java.util.function.Consumer;

/** Progress lines on stderr, only when a person is watching a terminal. */
final class Progress implements Consumer<String> {
    private final boolean terminal = System.console() != null;
    private final long start = System.nanoTime();

    @Override
    public void accept(String line) {
        if (terminal) System.err.printf("[%5.1fs] %s%n", (System.nanoTime() - start) / 1e9, line);
    }

    void done() {
        accept("done");
    }
}
