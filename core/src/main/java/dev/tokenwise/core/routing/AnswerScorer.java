package dev.tokenwise.core.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scores a weak model's answer for a cascade: the probability that it is acceptable, from cues a
 * verifier can check without knowing the right answer — a final answer present, the answer cut
 * off, the arithmetic it shows checking out, the question's numbers used, hedging. Logistic
 * regression over those cues, fitted on answers rated right or wrong.
 */
public final class AnswerScorer {
    public static final List<String> NAMES = List.of("final_marker", "ends_with_number", "truncated", "log_chars",
            "calc_annotations", "calc_errors", "inline_equations", "inline_errors", "question_numbers_used",
            "final_matches_last_result", "hedging", "lines", "question_log_chars", "question_numbers");

    private static final Pattern FINAL = Pattern.compile("####\\s*\\$?\\s*-?[\\d,]*\\.?\\d+");
    private static final Pattern CUT_NUMBER = Pattern.compile("\\d,\\d{0,2}$");
    private static final Pattern NUM = Pattern.compile("-?\\d[\\d,]*(\\.\\d+)?|-?\\.\\d+");
    private static final Pattern CALC = Pattern.compile("<<([^<>=]+)=([^<>]+)>>");
    private static final Pattern INLINE = Pattern.compile("(-?\\$?\\d[\\d,]*(?:\\.\\d+)?(?:\\s*[-+*/x×÷]\\s*\\$?\\d[\\d,]*(?:\\.\\d+)?)+)\\s*=\\s*\\$?(-?\\d[\\d,]*(?:\\.\\d+)?)");
    private static final Pattern HEDGE = Pattern.compile("(?i)\\b(assum(e|ing)|approximately|not (enough|possible|clear)|cannot be determined|"
            + "unclear|however|but wait|mistake|let me re|actually)\\b");

    /** The scorer shipped in the jar, trained by {@code tokenwise router train --cascade} on GSM8K. */
    public static final String DEFAULT_RESOURCE = "/dev/tokenwise/core/routing/default-cascade.json";

    private final Logistic model;
    private final List<Calibrator.Choice> calibration;
    private final com.fasterxml.jackson.databind.node.ObjectNode trainedOn;

    AnswerScorer(Logistic model) {
        this(model, List.of(), null);
    }

    public AnswerScorer(Logistic model, List<Calibrator.Choice> calibration, com.fasterxml.jackson.databind.node.ObjectNode trainedOn) {
        if (model.weights().length != NAMES.size()) {
            throw new IllegalArgumentException("scorer has " + model.weights().length + " weights, expected " + NAMES.size());
        }
        this.model = model;
        this.calibration = List.copyOf(calibration);
        this.trainedOn = trainedOn == null ? dev.tokenwise.core.wire.Json.object() : trainedOn.deepCopy();
    }

    public List<Calibrator.Choice> calibration() { return calibration; }

    /** The escalation threshold (on 1 − score) for a quality target: the smallest stored target at or above it. */
    public java.util.Optional<Calibrator.Choice> thresholdFor(double qualityTarget) {
        return Artifacts.thresholdFor(calibration, qualityTarget);
    }

    public com.fasterxml.jackson.databind.node.ObjectNode toJson() {
        return Artifacts.toJson("cascade", NAMES, java.util.Map.of("weak_ok", model), calibration, trainedOn);
    }

    public void save(java.nio.file.Path file) {
        Artifacts.save(toJson(), file);
    }

    public static AnswerScorer load(java.nio.file.Path file) {
        return fromJson(Artifacts.read(file), file.toString());
    }

    public static AnswerScorer bundled() {
        return fromJson(Artifacts.resource(DEFAULT_RESOURCE), DEFAULT_RESOURCE);
    }

    static AnswerScorer fromJson(com.fasterxml.jackson.databind.JsonNode o, String source) {
        Artifacts.check(o, "cascade", NAMES, source);
        return new AnswerScorer(Artifacts.logistic(o, "weak_ok", source), Artifacts.calibration(o),
                o.get("trained_on") instanceof com.fasterxml.jackson.databind.node.ObjectNode on ? on : null);
    }

    /** Fits the scorer on answers rated acceptable or not. */
    public static AnswerScorer fit(List<String> questions, List<String> answers, boolean[] ok, double lambda) {
        double[][] x = new double[answers.size()][];
        for (int i = 0; i < x.length; i++) x[i] = features(questions.get(i), answers.get(i));
        return new AnswerScorer(Logistic.fit(x, ok, lambda));
    }

    /** Probability the answer is acceptable. */
    public double score(String question, String answer) {
        return model.probability(features(question, answer));
    }

    public Logistic model() { return model; }

    public static double[] features(String question, String answer) {
        String a = answer == null ? "" : answer.strip();
        String q = question == null ? "" : question;
        boolean marker = FINAL.matcher(a).find();
        String lastLine = a.lines().reduce((x, y) -> y).orElse("");
        boolean endsNumber = NUM.matcher(lastLine).find();
        char last = a.isEmpty() ? ' ' : a.charAt(a.length() - 1);
        // cut off mid-sentence, inside a calculator annotation, or mid-number ("130,00")
        boolean truncated = a.isEmpty() || !(last == '.' || last == '!' || last == '?' || Character.isDigit(last)
                || last == ')' || last == '*' || last == '$' || last == '%' || last == '"')
                || a.lastIndexOf("<<") > a.lastIndexOf(">>") || CUT_NUMBER.matcher(a).find();
        int calcs = 0;
        int calcErrors = 0;
        String lastResult = null;
        Matcher cm = CALC.matcher(a);
        while (cm.find()) {
            calcs++;
            Double v = Arithmetic.eval(cm.group(1));
            Double r = number(cm.group(2));
            if (v != null && r != null && !close(v, r)) calcErrors++;
            lastResult = cm.group(2).strip();
        }
        int inline = 0;
        int inlineErrors = 0;
        Matcher im = INLINE.matcher(a.replaceAll("<<[^>]*>>", ""));
        while (im.find()) {
            inline++;
            Double v = Arithmetic.eval(im.group(1).replace("$", "").replace('x', '*').replace('×', '*').replace('÷', '/'));
            Double r = number(im.group(2));
            if (v != null && r != null && !close(v, r)) inlineErrors++;
            if (lastResult == null || im.end() > 0) lastResult = im.group(2);
        }
        List<String> qNums = numbers(q);
        List<String> aNums = numbers(a);
        int used = 0;
        for (String n : qNums) if (aNums.contains(n)) used++;
        String finalNumber = null;
        Matcher fm = FINAL.matcher(a);
        if (fm.find()) finalNumber = fm.group().replaceAll("[^\\d.-]", "");
        else if (!aNums.isEmpty()) finalNumber = aNums.get(aNums.size() - 1);
        boolean matches = finalNumber != null && lastResult != null
                && finalNumber.equals(lastResult.replaceAll("[^\\d.-]", ""));
        return new double[] {
                marker ? 1 : 0,
                endsNumber ? 1 : 0,
                truncated ? 1 : 0,
                Math.log1p(a.length()),
                Math.min(10, calcs),
                Math.min(5, calcErrors),
                Math.min(10, inline),
                Math.min(5, inlineErrors),
                qNums.isEmpty() ? 1 : (double) used / qNums.size(),
                matches ? 1 : 0,
                Math.min(5, count(HEDGE, a)),
                Math.min(40, a.lines().count()),
                Math.log1p(q.length()),
                Math.min(10, qNums.size()),
        };
    }

    private static List<String> numbers(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = NUM.matcher(s);
        while (m.find()) {
            String v = m.group().replace(",", "");
            if (v.contains(".")) v = v.replaceAll("\\.?0+$", "");
            out.add(v);
        }
        return out;
    }

    private static Double number(String s) {
        try {
            return Double.parseDouble(s.replaceAll("[,$\\s]", "").replaceAll("[^\\d.eE-]+$", ""));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= 1e-6 + 0.011 * Math.max(1, Math.abs(b)) * 0.1;
    }

    private static int count(Pattern p, String s) {
        Matcher m = p.matcher(s);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    /** A tiny evaluator for the arithmetic answers show: + - * / and parentheses. */
    static final class Arithmetic {
        private final String s;
        private int pos;

        private Arithmetic(String s) {
            this.s = s.replaceAll("[,$\\s]", "");
        }

        static Double eval(String expr) {
            try {
                Arithmetic a = new Arithmetic(expr);
                double v = a.sum();
                return a.pos == a.s.length() && Double.isFinite(v) ? v : null;
            } catch (RuntimeException e) {
                return null;
            }
        }

        private double sum() {
            double v = product();
            while (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                char op = s.charAt(pos++);
                double r = product();
                v = op == '+' ? v + r : v - r;
            }
            return v;
        }

        private double product() {
            double v = unary();
            while (pos < s.length() && (s.charAt(pos) == '*' || s.charAt(pos) == '/')) {
                char op = s.charAt(pos++);
                double r = unary();
                v = op == '*' ? v * r : v / r;
            }
            return v;
        }

        private double unary() {
            if (pos < s.length() && s.charAt(pos) == '-') {
                pos++;
                return -unary();
            }
            if (pos < s.length() && s.charAt(pos) == '(') {
                pos++;
                double v = sum();
                if (pos >= s.length() || s.charAt(pos) != ')') throw new IllegalArgumentException("unbalanced");
                pos++;
                return v;
            }
            int start = pos;
            while (pos < s.length() && (Character.isDigit(s.charAt(pos)) || s.charAt(pos) == '.')) pos++;
            if (start == pos) throw new IllegalArgumentException("number expected");
            double v = Double.parseDouble(s.substring(start, pos));
            if (pos < s.length() && s.charAt(pos) == '%') {
                pos++;
                v /= 100;
            }
            return v;
        }
    }
}
