package dev.tokenwise.core.context;

/**
 * How far to trim a conversation.
 *
 * @param budgetTokens the prompt-token budget the trimmed conversation (summary included) should fit
 * @param keepLastTurns how many of the latest user turns (with everything after them) are always kept
 * @param summaryMaxTokens the most tokens the summary of dropped turns may take; reserved from the budget
 * @param pins which messages are never dropped
 */
public record TrimPolicy(int budgetTokens, int keepLastTurns, int summaryMaxTokens, PinRule pins) {
    public TrimPolicy {
        if (budgetTokens < 1) throw new IllegalArgumentException("budgetTokens must be >= 1, was " + budgetTokens);
        if (keepLastTurns < 1) throw new IllegalArgumentException("keepLastTurns must be >= 1, was " + keepLastTurns);
        if (summaryMaxTokens < 0) throw new IllegalArgumentException("summaryMaxTokens must be >= 0, was " + summaryMaxTokens);
        if (pins == null) pins = PinRule.NONE;
    }
}
