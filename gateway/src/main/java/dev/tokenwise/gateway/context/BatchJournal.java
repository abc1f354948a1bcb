package dev.tokenwise.gateway.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Where batch jobs are kept across restarts: one row per job, written when it is submitted and
 * again when it finishes. {@link #NONE} keeps nothing (jobs then live in memory only).
 */
public interface BatchJournal {
    BatchJournal NONE = new BatchJournal() {
        @Override public void submitted(String id, String tenant, long createdAt, ObjectNode job) {}

        @Override public boolean finished(String id, String tenant, long createdAt, ObjectNode job) { return true; }

        @Override public List<JsonNode> load(long createdSince) { return List.of(); }
    };

    /** Stores a new job. */
    void submitted(String id, String tenant, long createdAt, ObjectNode job);

    /**
     * Stores a finished job; true when this call finished it, false when it was already stored as
     * finished (so its reservations were settled and its requests recorded before).
     */
    boolean finished(String id, String tenant, long createdAt, ObjectNode job);

    /** This gateway's jobs created at or after {@code createdSince} (epoch seconds), oldest first; older rows are deleted. */
    List<JsonNode> load(long createdSince);
}
