package dev.tokenwise.core.context;

import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.Message;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps, word for word, the sentences of dropped turns that carry facts a later answer may need:
 * numbers (order numbers, budgets, dates), e-mail addresses, names and words like "allergic" or
 * "budget". It never invents text, so a fact it keeps is exactly what the user said; it is the
 * part of a trim summary that works without any model.
 */
public final class ExtractiveSummarizer {
    private static final Pattern SENTENCE = Pattern.compile("(?<=[.!?])\\s+|\\n+");
    private static final Pattern DIGIT = Pattern.compile("\\d");
    private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+\\.[\\w.]+");
    private static final Pattern PROPER = Pattern.compile("(?<=\\s)[A-Z][a-z]{2,}");
    private static final Set<String> KEYWORDS = Set.of("name", "allerg", "budget", "order", "account", "address",
            "deadline", "prefer", "must", "never", "always", "don't", "do not", "password", "email", "phone",
            "birthday", "vegan", "vegetarian", "id ", "number", "invoice", "ticket", "limit", "only", "important",
            "remember", "call me", "i am", "i'm", "my ", "cannot", "can't", "gluten", "dairy", "halal", "kosher", "need", "guests");

    private ExtractiveSummarizer() {}

    /** A sentence worth keeping and where it came from. */
    public record Fact(int order, String role, String sentence, int score) {}

    /** The fact sentences of {@code messages}, in conversation order, within {@code maxTokens}. */
    public static List<Fact> facts(List<Message> messages, int maxTokens, TokenCounter counter) {
        List<Fact> all = new ArrayList<>();
        int order = 0;
        for (Message m : messages) {
            if ("tool".equals(m.role()) || "function".equals(m.role())) continue;
            for (String s : SENTENCE.split(m.text())) {
                String t = s.strip();
                if (t.length() < 4) continue;
                int score = score(t);
                if (score >= 2) all.add(new Fact(order, m.role(), t, score));
                order++;
            }
        }
        // Keep the highest-scoring facts that fit (user facts before assistant ones), then restore order.
        List<Fact> ranked = new ArrayList<>(all);
        ranked.sort(Comparator.comparingInt((Fact f) -> -(f.score() + ("user".equals(f.role()) ? 2 : 0)))
                .thenComparingInt(Fact::order));
        List<Fact> kept = new ArrayList<>();
        int used = 0;
        for (Fact f : ranked) {
            int t = counter.count(f.sentence()) + 3;
            if (used + t > maxTokens) continue;
            used += t;
            kept.add(f);
        }
        kept.sort(Comparator.comparingInt(Fact::order));
        return List.copyOf(kept);
    }

    /** The facts as a bullet list, or "" when there are none. */
    public static String summarise(List<Message> messages, int maxTokens, TokenCounter counter) {
        StringBuilder sb = new StringBuilder();
        for (Fact f : facts(messages, maxTokens, counter)) {
            sb.append("- ").append(f.role()).append(": ").append(f.sentence()).append('\n');
        }
        return sb.toString().strip();
    }

    static int score(String sentence) {
        int score = 0;
        if (DIGIT.matcher(sentence).find()) score += 2;
        if (EMAIL.matcher(sentence).find()) score += 2;
        if (PROPER.matcher(" " + sentence.substring(Math.min(1, sentence.length()))).find()) score += 1;
        String lower = sentence.toLowerCase(Locale.ROOT);
        for (String k : KEYWORDS) {
            if (lower.contains(k)) {
                score += 1;
                if (score >= 6) break;
            }
        }
        return score;
    }
}
