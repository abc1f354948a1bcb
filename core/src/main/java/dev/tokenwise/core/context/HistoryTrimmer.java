package dev.tokenwise.core.context;

import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Plans which older turns of a conversation to drop so it fits a token budget. System and
 * developer messages, pinned messages and the last turns are always kept; among the rest the
 * oldest go first. Messages are handled in whole turns, so an answer never loses its question and an
 * assistant message with tool calls is never separated from the tool results that answer it.
 */
public final class HistoryTrimmer {
    private HistoryTrimmer() {}

    /** A run of messages that stays or goes together. */
    private record Unit(int from, int to, int tokens, boolean keep) {}

    public static TrimPlan plan(List<Message> messages, TrimPolicy policy, TokenCounter counter) {
        return plan(messages, policy, m -> messageTokens(m, counter));
    }

    /** A message's share of a conversation's prompt tokens (content, role, name, tool calls, overhead). */
    public static int messageTokens(Message m, TokenCounter counter) {
        return counter.countMessages(List.of(m)) - TokenCounter.REPLY_PRIMING;
    }

    /**
     * Plans with a caller-supplied per-message count (e.g. a cache of {@link #messageTokens}), so the
     * turns a conversation sends again and again are not tokenised again.
     */
    public static TrimPlan plan(List<Message> messages, TrimPolicy policy, ToIntFunction<Message> messageTokens) {
        // Each message is counted once; the conversation's count is the sum plus the reply priming.
        int[] tokens = new int[messages.size()];
        int before = TokenCounter.REPLY_PRIMING;
        for (int k = 0; k < messages.size(); k++) {
            tokens[k] = messageTokens.applyAsInt(messages.get(k));
            before += tokens[k];
        }
        if (before <= policy.budgetTokens()) return new TrimPlan(messages, List.of(), 0, before, before);

        int tailStart = tailStart(messages, policy.keepLastTurns());
        boolean[] pinned = pinned(messages, policy.pins());
        List<Unit> units = new ArrayList<>();
        int i = 0;
        while (i < messages.size()) {
            int j = i + 1;
            while (j < messages.size() && !startsUnit(messages, j)) j++;
            boolean keep = j > tailStart;
            for (int k = i; k < j && !keep; k++) {
                String role = messages.get(k).role();
                keep = pinned[k] || "system".equals(role) || "developer".equals(role);
            }
            int unitTokens = 0;
            for (int k = i; k < j; k++) unitTokens += tokens[k];
            units.add(new Unit(i, j, unitTokens, keep));
            i = j;
        }

        int target = policy.budgetTokens() - policy.summaryMaxTokens();
        int current = before;
        boolean[] drop = new boolean[messages.size()];
        int droppedMessages = 0;
        int stopAt = -1;
        for (Unit u : units) {
            if (current <= target) {
                // within the budget: keep dropping only to complete the current step of dropStep messages
                if (stopAt < 0) stopAt = (droppedMessages + policy.dropStep() - 1) / policy.dropStep() * policy.dropStep();
                if (droppedMessages >= stopAt) break;
            }
            if (u.keep()) continue;
            for (int k = u.from(); k < u.to(); k++) drop[k] = true;
            droppedMessages += u.to() - u.from();
            current -= u.tokens();
        }
        List<Message> kept = new ArrayList<>();
        List<Message> dropped = new ArrayList<>();
        int summaryIndex = -1;
        for (int k = 0; k < messages.size(); k++) {
            if (drop[k]) {
                if (summaryIndex < 0) summaryIndex = kept.size();
                dropped.add(messages.get(k));
            } else {
                kept.add(messages.get(k));
            }
        }
        if (dropped.isEmpty()) return new TrimPlan(messages, List.of(), 0, before, before);
        return new TrimPlan(kept, dropped, summaryIndex, before, current);
    }

    /**
     * Units are turns: a user message with the answers, tool calls and tool results that follow it,
     * so trimming never leaves an answer without its question or a tool result without its call. A
     * system message is a unit of its own unless it sits between a tool call and its results.
     */
    private static boolean startsUnit(List<Message> messages, int j) {
        String role = messages.get(j).role();
        if ("user".equals(role)) return true;
        if ("system".equals(role) || "developer".equals(role)) {
            return !(j + 1 < messages.size() && isToolResult(messages.get(j + 1)));
        }
        return false;
    }

    private static boolean isToolResult(Message m) {
        return "tool".equals(m.role()) || "function".equals(m.role());
    }

    /** Index of the first message of the last {@code turns} user turns (0 when there are fewer). */
    static int tailStart(List<Message> messages, int turns) {
        int seen = 0;
        for (int k = messages.size() - 1; k >= 0; k--) {
            if ("user".equals(messages.get(k).role()) && ++seen == turns) return k;
        }
        return 0;
    }

    static boolean[] pinned(List<Message> messages, PinRule rule) {
        boolean[] out = new boolean[messages.size()];
        int userTurns = 0;
        boolean inPinnedTurn = false;
        for (int k = 0; k < messages.size(); k++) {
            Message m = messages.get(k);
            if ("user".equals(m.role())) {
                userTurns++;
                inPinnedTurn = userTurns <= rule.firstUserTurns();
            }
            out[k] = inPinnedTurn || rule.pinsByContent(m);
        }
        return out;
    }
}
