package dev.tokenwise.audit;

/** Where long audit phases report how far they got (a terminal progress bar, or nothing). */
public interface Progress {
    /** A phase started; {@code total} is -1 when unknown. */
    void phase(String name, long total);

    /** The current phase reached {@code done}. */
    void update(long done);

    /** The audit finished. */
    void done();

    Progress NONE = new Progress() {
        @Override public void phase(String name, long total) {}
        @Override public void update(long done) {}
        @Override public void done() {}
    };
}
