package dev.tokenwise.core.context;

import dev.tokenwise.core.wire.Message;
import java.util.List;

/**
 * The outcome of planning a trim: the messages kept (in their original order), the older
 * messages dropped (to be summarised), and where the summary goes among the kept ones.
 *
 * @param kept messages that stay, in order
 * @param dropped messages removed, in order (empty when nothing needed trimming)
 * @param summaryIndex index in {@code kept} at which a summary of {@code dropped} belongs
 * @param tokensBefore prompt tokens of the untrimmed conversation
 * @param tokensKept prompt tokens of {@code kept} alone (without a summary)
 */
public record TrimPlan(List<Message> kept, List<Message> dropped, int summaryIndex, int tokensBefore, int tokensKept) {
    public TrimPlan {
        kept = List.copyOf(kept);
        dropped = List.copyOf(dropped);
    }

    public boolean trimmed() { return !dropped.isEmpty(); }

    /** The conversation with {@code summary} (if not null) inserted where the dropped turns were. */
    public List<Message> withSummary(Message summary) {
        if (summary == null) return kept;
        java.util.ArrayList<Message> out = new java.util.ArrayList<>(kept);
        out.add(summaryIndex, summary);
        return List.copyOf(out);
    }
}
