package dev.tokenwise.audit.read;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Reads one log format into normalised {@link LogRecord}s, lazily: the returned stream holds the
 * file open and must be closed (try-with-resources). Malformed records are reported to
 * {@link ReadProblems} with their line number and skipped.
 */
public interface LogReader {
    /** True when a file starting with these bytes (and, for text, these first lines) is in this format. */
    boolean accepts(byte[] head, java.util.List<String> firstLines);

    Stream<LogRecord> read(Path file, ReadOptions options, ReadProblems problems) throws IOException;
}
