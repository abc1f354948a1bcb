package dev.tokenwise.audit.read;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.stream.Stream;

/** Line-oriented reading shared by the text formats: numbered lines, bad ones reported and skipped. */
final class Lines {
    private Lines() {}

    /**
     * Maps each non-blank line to a record; a line whose mapping throws is reported with its
     * number and skipped. The stream closes the file.
     */
    static Stream<LogRecord> map(Path file, ReadProblems problems, BiFunction<Long, String, LogRecord> parse) throws IOException {
        BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        AtomicLong n = new AtomicLong();
        return r.lines().map(line -> {
            long no = n.incrementAndGet();
            if (line.isBlank()) return null;
            try {
                return parse.apply(no, line);
            } catch (RuntimeException e) {
                problems.add(file, no, message(e));
                return null;
            }
        }).filter(Objects::nonNull).onClose(() -> {
            try {
                r.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static String message(Throwable e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) return "not valid JSON: " + j.getOriginalMessage();
        if (e instanceof UncheckedIOException u && u.getCause() != null) return message(u.getCause());
        if (e instanceof NumberFormatException) return "not a number: " + e.getMessage();
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
