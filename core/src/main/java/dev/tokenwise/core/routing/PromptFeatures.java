package dev.tokenwise.core.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Subject-agnostic features of a prompt for the learned router: size, answer-option structure,
 * numbers and math symbols, question-type cues and lexical difficulty. Deliberately no words or
 * embeddings: those identify the subject, and a router that learns subjects does not transfer to
 * traffic about other subjects.
 */
public final class PromptFeatures {
    /** Feature names, in vector order (stored in router artifacts to check compatibility). */
    public static final List<String> NAMES = List.of(
            "log_chars", "log_stem_chars", "lines", "options", "log_mean_option_chars", "option_length_cv",
            "numeric_options", "digit_density", "math_symbol_density", "variable_density", "has_equation",
            "statement_pair", "roman_combination_options", "all_none_options", "negation_cue",
            "which_following", "calculation_cue", "passage", "mean_word_length", "long_word_ratio",
            "capitalised_ratio", "type_token_ratio", "years", "quotes", "question_mark", "code_cue",
            "true_false_options");

    private static final Pattern OPTION = Pattern.compile("(?m)^\\s*\\(?([A-J])[.)]\\s*(.*)$");
    private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z'-]*");
    private static final Pattern NUMBER = Pattern.compile("^[-+$]?\\s*[\\d.,/%^×x*()√π\\s-]+[a-zA-Z%$]{0,4}$");
    private static final Pattern VARIABLE = Pattern.compile("(?<![A-Za-z])[a-zA-Z](?![A-Za-z'])(?=\\s*[=+\\-*/^<>)(²³])|[=^√∑∫π]");
    private static final Pattern EQUATION = Pattern.compile("[A-Za-z0-9)]\\s*[=<>≤≥]\\s*[-A-Za-z0-9(]");
    private static final Pattern STATEMENT = Pattern.compile("(?i)statement\\s*1|scenario\\s*1|\\bstatement\\s+I\\b");
    private static final Pattern ROMAN = Pattern.compile("(?m)^\\s*[A-J][.)]\\s*(I{1,3}|IV|V)(\\s*(,|and)\\s*(I{1,3}|IV|V))+\\s*(only)?\\s*$");
    private static final Pattern ALL_NONE = Pattern.compile("(?i)\\b(all of the above|none of the above|both [a-d] and [a-d]|all of these|none of these)\\b");
    private static final Pattern NEGATION = Pattern.compile("\\b(NOT|EXCEPT|LEAST|FALSE|INCORRECT)\\b|(?i)\\bwhich (of the following )?(is|are) not\\b");
    private static final Pattern WHICH_FOLLOWING = Pattern.compile("(?i)which of the following|which one of the following");
    private static final Pattern CALC = Pattern.compile("(?i)\\b(calculate|compute|how many|how much|what is the value|find the|solve|evaluate|probability|expected value|estimate)\\b");
    private static final Pattern PASSAGE = Pattern.compile("(?i)this question refers to the following|the following (passage|excerpt|information)|read the following");
    private static final Pattern YEAR = Pattern.compile("\\b(1[0-9]{3}|20[0-2][0-9])\\b");
    private static final Pattern CODE = Pattern.compile("(?m)[{};]\\s*$|\\b(def|return|int|void|for \\(|while \\(|print\\(|function)\\b");
    private static final Pattern TRUE_FALSE = Pattern.compile("(?im)^\\s*[A-J][.)]\\s*(true|false|wrong|not wrong)\\s*,\\s*(true|false|wrong|not wrong)\\s*$");
    private static final String MATH = "=+*/^<>%√∑∫πθλμσ∞≤≥±×÷²³∆";

    private PromptFeatures() {}

    /** Features memoised per prompt text: evaluation and calibration refit on the same prompts many times. */
    public static java.util.function.Function<String, double[]> memoised() {
        java.util.Map<String, double[]> cache = new java.util.concurrent.ConcurrentHashMap<>();
        return p -> cache.computeIfAbsent(p, PromptFeatures::extract);
    }

    /** The prompt without a trailing "Answer:" cue, which the features do not look at. */
    private static String body(String prompt) {
        String p = prompt == null ? "" : prompt;
        return p.replaceFirst("(?s)\\s*Answer:\\s*$", "");
    }

    /** The {@code math_symbol_density} feature alone, for callers that need only it. */
    public static double mathSymbolDensity(String prompt) {
        String body = body(prompt);
        int math = 0;
        for (int i = 0; i < body.length(); i++) if (MATH.indexOf(body.charAt(i)) >= 0) math++;
        return math / (double) Math.max(1, body.length());
    }

    public static double[] extract(String prompt) {
        String body = body(prompt);
        double chars = Math.max(1, body.length());
        List<String> options = new ArrayList<>();
        int firstOption = body.length();
        Matcher om = OPTION.matcher(body);
        while (om.find()) {
            // only a run of options starting at A counts, so "A. " inside a passage does not
            if (options.isEmpty() && !om.group(1).equals("A")) continue;
            if (options.isEmpty()) firstOption = om.start();
            options.add(om.group(2).strip());
        }
        if (options.size() < 2) {
            options.clear();
            firstOption = body.length();
        }
        String stem = body.substring(0, firstOption);
        double meanOpt = 0;
        double sdOpt = 0;
        int numeric = 0;
        for (String o : options) {
            meanOpt += o.length();
            if (!o.isEmpty() && NUMBER.matcher(o).matches()) numeric++;
        }
        if (!options.isEmpty()) {
            meanOpt /= options.size();
            for (String o : options) sdOpt += (o.length() - meanOpt) * (o.length() - meanOpt);
            sdOpt = Math.sqrt(sdOpt / options.size());
        }
        int digits = 0;
        int math = 0;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (Character.isDigit(c)) digits++;
            if (MATH.indexOf(c) >= 0) math++;
        }
        List<String> words = new ArrayList<>();
        Matcher wm = WORD.matcher(body);
        while (wm.find()) words.add(wm.group());
        double nw = Math.max(1, words.size());
        double wordLen = 0;
        int longWords = 0;
        int capitalised = 0;
        java.util.Set<String> types = new java.util.HashSet<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            wordLen += w.length();
            if (w.length() >= 10) longWords++;
            if (i > 0 && Character.isUpperCase(w.charAt(0)) && w.length() > 1 && !w.equals(w.toUpperCase())) capitalised++;
            types.add(w.toLowerCase(java.util.Locale.ROOT));
        }
        int variables = count(VARIABLE, body);
        return new double[] {
                Math.log1p(chars),
                Math.log1p(stem.length()),
                Math.min(40, body.lines().count()),
                options.size(),
                Math.log1p(meanOpt),
                meanOpt > 0 ? sdOpt / meanOpt : 0,
                options.isEmpty() ? 0 : (double) numeric / options.size(),
                digits / chars,
                math / chars,
                variables / chars,
                EQUATION.matcher(body).find() ? 1 : 0,
                STATEMENT.matcher(body).find() ? 1 : 0,
                ROMAN.matcher(body).find() ? 1 : 0,
                ALL_NONE.matcher(body).find() ? 1 : 0,
                NEGATION.matcher(stem).find() ? 1 : 0,
                WHICH_FOLLOWING.matcher(stem).find() ? 1 : 0,
                CALC.matcher(stem).find() ? 1 : 0,
                PASSAGE.matcher(stem).find() || stem.length() > 600 ? 1 : 0,
                wordLen / nw,
                longWords / nw,
                capitalised / nw,
                types.size() / Math.sqrt(nw),
                Math.min(5, count(YEAR, body)),
                body.indexOf('"') >= 0 || body.indexOf('“') >= 0 ? 1 : 0,
                stem.indexOf('?') >= 0 ? 1 : 0,
                CODE.matcher(body).find() ? 1 : 0,
                TRUE_FALSE.matcher(body).find() ? 1 : 0,
        };
    }

    private static int count(Pattern p, String s) {
        Matcher m = p.matcher(s);
        int n = 0;
        while (m.find()) n++;
        return n;
    }
}
