package dev.tokenwise.audit.read;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.BiFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/** Line-oriented reading shared by the text formats: numbered lines, bad ones reported and skipped. */
final class Lines {
    private Lines() {}

    /** Lines parsed together: big enough to keep both cores busy, small enough to bound memory. */
    static final int BATCH = 2048;

    private record Failure(String message) {}

    /**
     * Maps each non-blank line to a record; a line whose mapping throws is reported with its
     * number and skipped. Lines are read in order and parsed in parallel batches; records and
     * problems come out in file order. The stream closes the file.
     */
    static Stream<LogRecord> map(Path file, ReadProblems problems, BiFunction<Long, String, LogRecord> parse) throws IOException {
        BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        Iterator<LogRecord> it = new Iterator<>() {
            private final ArrayDeque<LogRecord> ready = new ArrayDeque<>();
            private long lineNo;
            private boolean eof;

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && !eof) fill();
                return !ready.isEmpty();
            }

            @Override
            public LogRecord next() {
                if (!hasNext()) throw new NoSuchElementException();
                return ready.poll();
            }

            private void fill() {
                String[] lines = new String[BATCH];
                long[] numbers = new long[BATCH];
                int n = 0;
                try {
                    while (n < BATCH) {
                        String l = r.readLine();
                        if (l == null) {
                            eof = true;
                            break;
                        }
                        lineNo++;
                        if (l.isBlank()) continue;
                        lines[n] = l;
                        numbers[n++] = lineNo;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                Object[] out = new Object[n];
                IntStream.range(0, n).parallel().forEach(i -> {
                    try {
                        out[i] = parse.apply(numbers[i], lines[i]);
                    } catch (RuntimeException e) {
                        out[i] = new Failure(message(e));
                    }
                });
                for (int i = 0; i < n; i++) {
                    if (out[i] instanceof Failure f) problems.add(file, numbers[i], f.message());
                    else if (out[i] != null) ready.add((LogRecord) out[i]);
                }
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED), false).onClose(() -> RowStream.close(r));
    }

    static String message(Throwable e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) return "not valid JSON: " + j.getOriginalMessage();
        if (e instanceof UncheckedIOException u && u.getCause() != null) return message(u.getCause());
        if (e instanceof NumberFormatException) return "not a number: " + e.getMessage();
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
