package dev.tokenwise.core.context;

/**
 * How far to trim a conversation.
 *
 * @param budgetTokens the prompt-token budget the trimmed conversation (summary included) should fit
 * @param keepLastTurns how many of the latest user turns (with everything after them) are always kept
 * @param summaryMaxTokens the most tokens the summary of dropped turns may take; reserved from the budget
 * @param pins which messages are never dropped
 * @param dropStep messages are dropped in steps of this many (rounded up), so the dropped part,
 *     and with it the cached summary, stays the same for several turns of a growing conversation
 */
public record TrimPolicy(int budgetTokens, int keepLastTurns, int summaryMaxTokens, PinRule pins, int dropStep) {
    public TrimPolicy(int budgetTokens, int keepLastTurns, int summaryMaxTokens, PinRule pins) {
        this(budgetTokens, keepLastTurns, summaryMaxTokens, pins, 1);
    }

    public TrimPolicy {
        if (dropStep < 1) throw new IllegalArgumentException("dropStep must be >= 1, was " + dropStep);
        if (budgetTokens < 1) throw new IllegalArgumentException("budgetTokens must be >= 1, was " + budgetTokens);
        if (keepLastTurns < 1) throw new IllegalArgumentException("keepLastTurns must be >= 1, was " + keepLastTurns);
        if (summaryMaxTokens < 0) throw new IllegalArgumentException("summaryMaxTokens must be >= 0, was " + summaryMaxTokens);
        if (pins == null) pins = PinRule.NONE;
    }
}
