package dev.tokenwise.audit.find;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Tells a request's task type from prompt features (keywords, length, question form), in the
 * order of the seed's task table. A cheap, explainable heuristic for an audit: it picks
 * candidates for routing; the rating sample and the router decide.
 */
public final class TaskClassifier {
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}']+");
    private static final List<String> EXTRACTION = List.of("extract", "pull out", "parse ", "as json", "in json", "json with", "fill the fields", "slot");
    private static final List<String> CLASSIFICATION = List.of("classify", "categorize", "categorise", "sentiment", "which category",
            "label this", "is this spam", "triage", "one of the following categories");
    private static final List<String> SUMMARIZATION = List.of("summarize", "summarise", "summary", "tl;dr", "tldr");
    private static final List<String> CODE = List.of("```", "write a function", "python", "javascript", " sql", "regex", "stack trace",
            "compile", "refactor", "unit test");
    private static final List<String> DRAFTING = List.of("draft", "write an email", "write a reply", "email to", "cover letter", "rewrite");
    private static final List<String> CREATIVE = List.of("poem", "story", "slogan", "lyrics", "brainstorm");
    private static final List<String> REASONING = List.of("prove", "step by step", "analyze", "analyse", "analysis", "compare",
            "trade-off", "tradeoff", "derive", "plan ", "strategy");
    private static final List<String> QUESTION_START = List.of("what", "when", "where", "how", "do ", "does", "can ", "is ",
            "are ", "which", "who", "why");

    public TaskType classify(String prompt, String system, int messageCount) {
        if (prompt == null) return TaskType.UNKNOWN;
        String p = prompt.toLowerCase(Locale.ROOT);
        // the start of a system prompt says what the job is; long policy handbooks after it do not
        String s = system == null ? "" : (system.length() > 400 ? system.substring(0, 400) : system).toLowerCase(Locale.ROOT);
        String both = p + "\n" + s;
        if (containsAny(both, EXTRACTION)) return TaskType.EXTRACTION;
        if (containsAny(both, CLASSIFICATION)) return TaskType.CLASSIFICATION;
        if (containsAny(p, SUMMARIZATION)) return TaskType.SUMMARIZATION;
        if (containsAny(p, CODE)) return TaskType.CODE;
        if (containsAny(p, DRAFTING)) return TaskType.DRAFTING;
        if (containsAny(p, CREATIVE)) return TaskType.CREATIVE;
        if (containsAny(p, REASONING)) return TaskType.REASONING;
        long words = WORD.matcher(p).results().count();
        String t = p.strip();
        if (messageCount <= 3 && words <= 20 && t.endsWith("?") && QUESTION_START.stream().anyMatch(t::startsWith)) {
            return TaskType.FAQ;
        }
        return TaskType.CHAT;
    }

    private static boolean containsAny(String s, List<String> keys) {
        for (String k : keys) if (s.contains(k)) return true;
        return false;
    }
}
