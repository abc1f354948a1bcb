package dev.tokenwise.cli;

import dev.tokenwise.audit.Progress;
import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress display on a terminal's stderr (only used when a console is attached). */
final class TerminalProgress implements Progress {
    private final PrintStream err;
    private String phase = "";
    private long total = -1;
    private long lastPrint;

    TerminalProgress(PrintStream err) {
        this.err = err;
    }

    @Override
    public synchronized void phase(String name, long total) {
        this.phase = name;
        this.total = total;
        print(0, true);
    }

    @Override
    public synchronized void update(long done) {
        print(done, false);
    }

    /** One update that names its phase and total itself (the cache evaluation's progress shape). */
    synchronized void show(String name, long done, long total) {
        boolean changed = !name.equals(phase) || total != this.total;
        this.phase = name;
        this.total = total;
        print(done, changed);
    }

    @Override
    public synchronized void done() {
        err.print("\r\033[K");
        err.flush();
    }

    private void print(long done, boolean force) {
        long now = System.nanoTime();
        if (!force && now - lastPrint < 100_000_000L) return;
        lastPrint = now;
        String line;
        if (total > 0) {
            int width = 30;
            int filled = (int) Math.min(width, width * done / total);
            line = String.format(Locale.ROOT, "%s [%s%s] %d/%d", phase, "#".repeat(filled), " ".repeat(width - filled), done, total);
        } else {
            line = String.format(Locale.ROOT, "%s: %,d", phase, done);
        }
        err.print("\r\033[K" + line);
        err.flush();
    }
}
