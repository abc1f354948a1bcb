package dev.tokenwise.core.cache;

import java.util.HashSet;
import java.util.Set;

/**
 * Hard rules that refuse a semantic hit whatever the score: two questions that differ in a number,
 * a negation, a named entity or their question type ("how" vs "why") ask different things, and a
 * cache that serves one's answer to the other is wrong.
 */
public final class Guards {
    /** The guards by name, in the order they are checked. */
    public static final Set<String> NAMES = java.util.Collections.unmodifiableSet(
            new java.util.LinkedHashSet<>(java.util.List.of("number", "negation", "entity", "question-type")));

    private Guards() {}

    /** Why the pair must not share an answer, or null when no guard objects. */
    public static String refusal(TextSignals query, TextSignals cached) {
        return refusal(query, cached, NAMES);
    }

    /** As {@link #refusal(TextSignals, TextSignals)}, checking only the named guards. */
    public static String refusal(TextSignals query, TextSignals cached, Set<String> enabled) {
        if (enabled.contains("number") && !query.numbers().equals(cached.numbers())) return "number-mismatch";
        if (enabled.contains("negation") && query.negated() != cached.negated()) return "negation-mismatch";
        if (enabled.contains("entity") && entitiesDiffer(query, cached)) return "entity-mismatch";
        if (enabled.contains("question-type") && !query.questionType().equals(cached.questionType())) return "question-type-mismatch";
        return null;
    }

    /**
     * True when one side names something the other does not mention at all. A name written in
     * lower case on the other side still counts as mentioned, so casing alone never refuses.
     */
    static boolean entitiesDiffer(TextSignals a, TextSignals b) {
        return missing(a.entities(), b) || missing(b.entities(), a);
    }

    private static boolean missing(Set<String> entities, TextSignals other) {
        if (entities.isEmpty()) return false;
        Set<String> words = new HashSet<>(other.tokens());
        for (String e : entities) if (!words.contains(e)) return true;
        return false;
    }
}
