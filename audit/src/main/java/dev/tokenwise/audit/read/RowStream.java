package dev.tokenwise.audit.read;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Lazy record streams over sources read one row at a time (the ledger's result set, a LiteLLM
 * JSON array, CSV rows): the reader says how to read one row, this turns that into an ordered
 * stream that closes its source.
 */
final class RowStream {
    private RowStream() {}

    /** Reads one row of a source. */
    @FunctionalInterface
    interface Step {
        /**
         * Reads the next row and hands its record to {@code emit}, or nothing when the row is skipped
         * (reported as a problem, or not audited); false at the end of the source.
         */
        boolean read(Consumer<LogRecord> emit);
    }

    /** The records {@code step} reads, in order; closing the stream closes {@code source}. */
    static Stream<LogRecord> of(Step step, AutoCloseable source) {
        Spliterator<LogRecord> rows = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL) {
            private LogRecord next;
            private boolean done;

            @Override
            public boolean tryAdvance(Consumer<? super LogRecord> action) {
                // a step that ended is not asked again: its source may be spent or broken
                while (next == null && !done) done = !step.read(r -> next = r);
                if (next == null) return false;
                LogRecord r = next;
                next = null;
                action.accept(r);
                return true;
            }
        };
        return StreamSupport.stream(rows, false).onClose(() -> close(source));
    }

    /** Closes a reader's source, rethrowing what it throws unchecked (the stream's close cannot throw checked). */
    static void close(AutoCloseable source) {
        try {
            source.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot close " + source + ": " + e.getMessage(), e);
        }
    }
}
