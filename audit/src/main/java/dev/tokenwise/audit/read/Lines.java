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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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
        Prefetch prefetch = new Prefetch(r, file);
        Iterator<LogRecord> it = new Iterator<>() {
            private final ArrayDeque<LogRecord> ready = new ArrayDeque<>();
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
                Batch b = prefetch.take();
                if (b.last()) eof = true;
                int n = b.size();
                Object[] out = new Object[n];
                IntStream.range(0, n).parallel().forEach(i -> {
                    try {
                        out[i] = parse.apply(b.numbers()[i], b.lines()[i]);
                    } catch (RuntimeException e) {
                        out[i] = new Failure(message(e));
                    }
                });
                for (int i = 0; i < n; i++) {
                    if (out[i] instanceof Failure f) problems.add(file, b.numbers()[i], f.message());
                    else if (out[i] != null) ready.add((LogRecord) out[i]);
                }
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED), false).onClose(() -> {
            prefetch.stop();
            try {
                r.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Numbered non-blank lines read together; {@code last} marks the end of the file. */
    private record Batch(String[] lines, long[] numbers, int size, boolean last) {}

    /**
     * Reads and decodes the next batches on a thread of its own while the current one is parsed,
     * so the file's decoding overlaps the parsing and loading instead of adding to it.
     */
    private static final class Prefetch {
        private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(2);
        private final Thread thread;
        private volatile boolean stopped;

        Prefetch(BufferedReader r, Path file) {
            thread = Thread.ofPlatform().daemon().name("tokenwise-read-" + file.getFileName()).start(() -> run(r));
        }

        private void run(BufferedReader r) {
            long lineNo = 0;
            try {
                boolean last = false;
                while (!last && !stopped) {
                    String[] lines = new String[BATCH];
                    long[] numbers = new long[BATCH];
                    int n = 0;
                    while (n < BATCH) {
                        String l = r.readLine();
                        if (l == null) {
                            last = true;
                            break;
                        }
                        lineNo++;
                        if (l.isBlank()) continue;
                        lines[n] = l;
                        numbers[n++] = lineNo;
                    }
                    queue.put(new Batch(lines, numbers, n, last));
                }
            } catch (IOException e) {
                put(new UncheckedIOException(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                put(e);
            }
        }

        private void put(RuntimeException e) {
            try {
                queue.put(e);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }

        Batch take() {
            Object o;
            try {
                o = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading", e);
            }
            if (o instanceof RuntimeException e) throw e;
            return (Batch) o;
        }

        void stop() {
            stopped = true;
            thread.interrupt();
        }
    }

    static String message(Throwable e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) return "not valid JSON: " + j.getOriginalMessage();
        if (e instanceof UncheckedIOException u && u.getCause() != null) return message(u.getCause());
        if (e instanceof NumberFormatException) return "not a number: " + e.getMessage();
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
