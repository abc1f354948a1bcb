package dev.tokenwise.audit.read;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Malformed lines met while reading, kept with their file and line number so the audit can report
 * them and carry on: one bad line never stops an audit. Only the first {@value #KEEP} are kept
 * verbatim; all are counted.
 */
public final class ReadProblems {
    static final int KEEP = 100;

    /** One skipped line. */
    public record Problem(String file, long line, String message) {
        @Override public String toString() { return file + ":" + line + ": " + message; }
    }

    private final List<Problem> kept = new ArrayList<>();
    private long count;

    public synchronized void add(Path file, long line, String message) {
        count++;
        if (kept.size() < KEEP) kept.add(new Problem(file.getFileName().toString(), line, message));
    }

    public synchronized long count() { return count; }

    public synchronized List<Problem> problems() { return List.copyOf(kept); }
}
