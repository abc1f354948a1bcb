package dev.tokenwise.gateway.observe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A strict parser for the Prometheus text exposition format (0.0.4): every line must be a
 * {@code # HELP}/{@code # TYPE} comment or a {@code name{label="value",...} number} sample, so a
 * scrape that a Prometheus server would reject fails the test.
 */
public final class PrometheusText {
    public record Sample(String name, Map<String, String> labels, double value) {}

    private final List<Sample> samples;
    private final Map<String, String> types;

    private PrometheusText(List<Sample> samples, Map<String, String> types) {
        this.samples = samples;
        this.types = types;
    }

    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            if (line.isBlank()) continue;
            if (line.startsWith("# TYPE ")) {
                String[] p = line.substring(7).split(" ");
                if (p.length != 2 || !p[1].matches("counter|gauge|histogram|summary|untyped")) throw bad(lineNo, line);
                types.put(p[0], p[1]);
                continue;
            }
            if (line.startsWith("# HELP ") || line.startsWith("# EOF")) continue;
            if (line.startsWith("#")) throw bad(lineNo, line);
            samples.add(sample(line, lineNo));
        }
        return new PrometheusText(samples, types);
    }

    private static Sample sample(String line, int lineNo) {
        int i = 0;
        while (i < line.length() && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '_' || line.charAt(i) == ':')) i++;
        String name = line.substring(0, i);
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) throw bad(lineNo, line);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String key = line.substring(i, eq);
                if (!key.matches("[a-zA-Z_][a-zA-Z0-9_]*") || line.charAt(eq + 1) != '"') throw bad(lineNo, line);
                StringBuilder v = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char n = line.charAt(++j);
                        v.append(n == 'n' ? '\n' : n);
                    } else {
                        v.append(c);
                    }
                }
                labels.put(key, v.toString());
                i = j + 1;
                if (line.charAt(i) == ',') i++;
            }
            i++;
        }
        if (i >= line.length() || line.charAt(i) != ' ') throw bad(lineNo, line);
        String[] rest = line.substring(i + 1).trim().split(" ");
        double value = switch (rest[0]) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(rest[0]);
        };
        return new Sample(name, labels, value);
    }

    private static IllegalArgumentException bad(int lineNo, String line) {
        return new IllegalArgumentException("not Prometheus text format at line " + lineNo + ": " + line);
    }

    public List<Sample> samples() { return samples; }

    public String type(String family) { return types.get(family); }

    /** Sum of the samples named {@code name} whose labels contain all of {@code labels} (k, v, k, v...). */
    public double sum(String name, String... labels) {
        Predicate<Sample> match = s -> {
            if (!s.name().equals(name)) return false;
            for (int k = 0; k < labels.length; k += 2) {
                if (!labels[k + 1].equals(s.labels().get(labels[k]))) return false;
            }
            return true;
        };
        return samples.stream().filter(match).mapToDouble(Sample::value).sum();
    }

    public boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }
}
