package dev.tokenwise.audit.report;

import dev.tokenwise.audit.AuditReport;
import dev.tokenwise.audit.find.Finding;
import dev.tokenwise.audit.simulate.Simulation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The audit as one self-contained HTML page: inline CSS, charts drawn here as inline SVG, no
 * scripts and no network. Charts: spend by model over time, spend by feature, the savings
 * waterfall by strategy; then the findings and their top offenders.
 */
public final class HtmlReport {
    private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

    private HtmlReport() {}

    public static String render(AuditReport r) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>tokenwise audit</title>\n<style>\n")
                .append("body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;color:#222;padding:0 1rem}")
                .append("h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}")
                .append(".kpis{display:flex;gap:1rem;flex-wrap:wrap}.kpi{background:#f5f7fa;border-radius:8px;padding:.8rem 1rem;min-width:180px}")
                .append(".kpi b{display:block;font-size:1.5rem}.muted{color:#666}table{border-collapse:collapse;width:100%;margin:.5rem 0}")
                .append("th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eee;vertical-align:top}td.n,th.n{text-align:right}")
                .append("svg text{font:11px system-ui,sans-serif;fill:#333}.na{color:#999}.ex{font-size:12px;color:#444;max-width:520px}")
                .append("code,pre{background:#f5f5f5;border-radius:4px}pre{padding:.8rem;overflow:auto;font-size:12px}")
                .append("\n</style></head><body>\n");
        Simulation.Result sim = r.simulation();
        h.append("<h1>LLM spend audit</h1><p class=\"muted\">").append(r.requests()).append(" requests from ")
                .append(esc(String.join(", ", r.sources().stream().map(s -> s.file() + " (" + s.format() + ")").toList())))
                .append(", ").append(esc(r.from())).append(" to ").append(esc(r.to()))
                .append(String.format(Locale.ROOT, " (%.2f days, scaled ×%.2f to a month)", r.spanDays(), r.monthFactor()))
                .append(", prices: sheet <code>").append(esc(r.priceSheet())).append("</code>.</p>\n");
        h.append("<div class=\"kpis\">")
                .append(kpi("Spend per month", usd(r.costPerMonthUsd()), "kpi-spend"))
                .append(kpi("After recommendations", usd(sim.afterPerMonthUsd()), "kpi-after"))
                .append(kpi("Saved per month", usd(sim.savedPerMonthUsd()), "kpi-saved"))
                .append(kpi("Saving", String.format(Locale.ROOT, "%.1f%%", sim.savingPct()), "kpi-pct"))
                .append("</div>\n");
        if (!r.textAvailable()) {
            h.append("<p class=\"muted\">This log carries token counts only: findings that need prompt text are marked not applicable.</p>");
        }
        if (r.skippedLines() > 0) {
            h.append("<p class=\"muted\">").append(r.skippedLines()).append(" malformed lines were skipped, e.g. ")
                    .append(esc(String.join("; ", r.problems().stream().limit(3).toList()))).append("</p>");
        }
        h.append("<h2>Savings waterfall</h2>\n").append(waterfall(sim));
        h.append("<h2>Spend by model over time</h2>\n").append(overTime(r));
        h.append("<h2>Spend by feature</h2>\n").append(bars("spend-by-feature", r.spendByFeature()));
        h.append("<h2>Spend by model</h2>\n").append(bars("spend-by-model", r.spendByModel()));
        h.append("<h2>Findings</h2>\n<table id=\"findings\"><tr><th>Finding</th><th class=n>Requests</th><th class=n>Tokens</th>")
                .append("<th class=n>Cost / month</th><th class=n>Saving / month (alone)</th><th>Fix</th></tr>\n");
        for (Finding f : r.findings()) {
            if (!f.applicable()) {
                h.append("<tr class=\"na\" data-finding=\"").append(f.id()).append("\"><td>").append(esc(f.title()))
                        .append("</td><td colspan=4>not applicable: ").append(esc(f.note())).append("</td><td>").append(esc(f.action())).append("</td></tr>\n");
                continue;
            }
            h.append("<tr data-finding=\"").append(f.id()).append("\"><td><b>").append(esc(f.title())).append("</b><div class=ex>")
                    .append(esc(f.note())).append("</div></td><td class=n>").append(f.requests()).append("</td><td class=n>").append(f.tokens())
                    .append("</td><td class=n>").append(usd(f.costPerMonthUsd())).append("</td><td class=n>").append(usd(f.savingPerMonthUsd()))
                    .append("</td><td>").append(esc(f.action())).append("</td></tr>\n");
        }
        h.append("</table>\n<p class=\"muted\">Savings per finding are each fix on its own; the waterfall above replays all fixes together, "
                + "attributing each request's saving once, in pipeline order.</p>\n");
        h.append("<h2>Top offenders</h2>\n");
        for (Finding f : r.findings()) {
            if (!f.applicable() || f.examples().isEmpty()) continue;
            h.append("<h3>").append(esc(f.title())).append("</h3><table class=\"offenders\"><tr><th>Model</th><th>Feature / task</th><th>Example</th>")
                    .append("<th class=n>Requests</th><th class=n>Saving</th></tr>\n");
            for (Finding.Example e : f.examples()) {
                h.append("<tr><td>").append(esc(e.model())).append("</td><td>").append(esc(e.feature())).append("</td><td class=ex>")
                        .append(esc(e.prompt() == null ? "(no text in log)" : e.prompt())).append("</td><td class=n>").append(e.requests())
                        .append("</td><td class=n>").append(usd(e.costUsd())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("<h2>Recommended tokenwise.yaml</h2>\n<pre id=\"config\">").append(esc(r.recommendedConfig())).append("</pre>\n");
        if (!r.unknownModels().isEmpty()) {
            h.append("<p class=\"muted\">Models missing from the price sheet (priced at $0): ").append(esc(String.join(", ", r.unknownModels()))).append("</p>");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static String kpi(String label, String value, String id) {
        return "<div class=\"kpi\" id=\"" + id + "\"><span class=\"muted\">" + esc(label) + "</span><b>" + esc(value) + "</b></div>";
    }

    static String waterfall(Simulation.Result sim) {
        List<String> labels = new ArrayList<>();
        List<double[]> spans = new ArrayList<>(); // [from, to]
        labels.add("baseline");
        spans.add(new double[] {0, sim.baselinePerMonthUsd()});
        double level = sim.baselinePerMonthUsd();
        for (Simulation.Step st : sim.waterfall()) {
            labels.add(st.strategy());
            spans.add(new double[] {level - st.savedPerMonthUsd(), level});
            level -= st.savedPerMonthUsd();
        }
        labels.add("after");
        spans.add(new double[] {0, sim.afterPerMonthUsd()});
        int w = 900;
        int hgt = 300;
        int left = 70;
        int bottom = 40;
        double max = Math.max(1e-9, sim.baselinePerMonthUsd());
        double bw = (w - left - 10.0) / labels.size();
        StringBuilder s = new StringBuilder();
        s.append("<svg id=\"waterfall\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(hgt)
                .append("\" viewBox=\"0 0 ").append(w).append(' ').append(hgt).append("\" role=\"img\" aria-label=\"savings waterfall\">");
        s.append(axis(left, hgt - bottom, w, max));
        for (int i = 0; i < labels.size(); i++) {
            double[] sp = spans.get(i);
            double y1 = y(sp[1], max, hgt - bottom);
            double y0 = y(sp[0], max, hgt - bottom);
            String color = i == 0 ? "#e15759" : i == labels.size() - 1 ? "#4e79a7" : "#59a14f";
            double x = left + i * bw + 6;
            double value = sp[1] - sp[0];
            s.append(String.format(Locale.ROOT, "<rect class=\"bar\" data-label=\"%s\" data-value=\"%.2f\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %s</title></rect>",
                    esc(labels.get(i)), value, x, y1, bw - 12, Math.max(0.5, y0 - y1), color, esc(labels.get(i)), usd(value)));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>", x + (bw - 12) / 2, y1 - 4,
                    (i == 0 || i == labels.size() - 1 ? "" : "−") + usd(value)));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>", x + (bw - 12) / 2, hgt - bottom + 16,
                    esc(labels.get(i))));
        }
        return s.append("</svg>\n").toString();
    }

    static String overTime(AuditReport r) {
        Map<String, Map<String, Double>> byBucket = new LinkedHashMap<>();
        Set<String> models = new LinkedHashSet<>();
        for (AuditReport.Spend m : r.spendByModel()) models.add(m.name());
        for (AuditReport.Point p : r.spendOverTime()) byBucket.computeIfAbsent(p.bucket(), k -> new LinkedHashMap<>()).merge(p.model(), p.costUsd(), Double::sum);
        double max = byBucket.values().stream().mapToDouble(m -> m.values().stream().mapToDouble(Double::doubleValue).sum()).max().orElse(0);
        max = Math.max(max, 1e-9);
        int w = 900;
        int hgt = 300;
        int left = 70;
        int bottom = 40;
        int n = Math.max(1, byBucket.size());
        double bw = (w - left - 160.0) / n;
        StringBuilder s = new StringBuilder();
        s.append("<svg id=\"spend-over-time\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"")
                .append(hgt).append("\" viewBox=\"0 0 ").append(w).append(' ').append(hgt).append("\" role=\"img\" aria-label=\"spend by model per ")
                .append(esc(r.timeBucket())).append("\">");
        s.append(axis(left, hgt - bottom, w - 160, max));
        List<String> modelList = new ArrayList<>(models);
        int i = 0;
        for (Map.Entry<String, Map<String, Double>> b : byBucket.entrySet()) {
            double base = 0;
            double x = left + i * bw + Math.min(2, bw * 0.1);
            for (int m = 0; m < modelList.size(); m++) {
                Double v = b.getValue().get(modelList.get(m));
                if (v == null || v <= 0) continue;
                double y1 = y(base + v, max, hgt - bottom);
                double y0 = y(base, max, hgt - bottom);
                s.append(String.format(Locale.ROOT, "<rect class=\"bar\" data-label=\"%s %s\" data-value=\"%.4f\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %s</title></rect>",
                        esc(b.getKey()), esc(modelList.get(m)), v, x, y1, Math.max(0.5, bw - Math.min(4, bw * 0.2)), Math.max(0.3, y0 - y1),
                        COLORS[m % COLORS.length], esc(b.getKey()), esc(modelList.get(m)), usd(v)));
                base += v;
            }
            if (n <= 16 || i % Math.max(1, n / 8) == 0) {
                String label = r.timeBucket().equals("day") ? b.getKey().substring(0, 10) : b.getKey().substring(5, 16).replace('T', ' ');
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>", x, hgt - bottom + 16, esc(label)));
            }
            i++;
        }
        for (int m = 0; m < modelList.size(); m++) {
            int ly = 20 + m * 18;
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>",
                    w - 150, ly, COLORS[m % COLORS.length], w - 132, ly + 10, esc(modelList.get(m))));
        }
        return s.append("</svg>\n").toString();
    }

    static String bars(String id, List<AuditReport.Spend> items) {
        List<AuditReport.Spend> top = items.stream().limit(12).toList();
        double max = Math.max(1e-9, top.stream().mapToDouble(AuditReport.Spend::costPerMonthUsd).max().orElse(0));
        int rowH = 24;
        int w = 900;
        int labelW = 220;
        int hgt = 10 + rowH * Math.max(1, top.size());
        StringBuilder s = new StringBuilder();
        s.append("<svg id=\"").append(id).append("\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"")
                .append(hgt).append("\" viewBox=\"0 0 ").append(w).append(' ').append(hgt).append("\" role=\"img\">");
        for (int i = 0; i < top.size(); i++) {
            AuditReport.Spend sp = top.get(i);
            double bw = (w - labelW - 290) * sp.costPerMonthUsd() / max;
            int y = 5 + i * rowH;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", labelW - 8, y + 15, esc(sp.name())));
            s.append(String.format(Locale.ROOT, "<rect class=\"bar\" data-label=\"%s\" data-value=\"%.2f\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s: %s/month</title></rect>",
                    esc(sp.name()), sp.costPerMonthUsd(), labelW, y, Math.max(0.5, bw), rowH - 6, COLORS[i % COLORS.length], esc(sp.name()), usd(sp.costPerMonthUsd())));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s/month (%.0f%%, %d requests)</text>", labelW + bw + 6, y + 15,
                    usd(sp.costPerMonthUsd()), 100 * sp.share(), sp.requests()));
        }
        return s.append("</svg>\n").toString();
    }

    private static String axis(int left, int base, int right, double max) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>", left, base, right, base));
        for (int t = 0; t <= 4; t++) {
            double v = max * t / 4;
            double yy = y(v, max, base);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
                    left, yy, right, yy, left - 6, yy + 4, usd(v)));
        }
        return s.toString();
    }

    private static double y(double v, double max, int base) {
        return base - (base - 20) * v / max;
    }

    static String usd(double v) {
        double a = Math.abs(v);
        if (a >= 1e6) return String.format(Locale.ROOT, "$%.2fM", v / 1e6);
        if (a >= 1e4) return String.format(Locale.ROOT, "$%,.0f", v);
        if (a >= 1) return String.format(Locale.ROOT, "$%,.2f", v);
        return String.format(Locale.ROOT, "$%.4f", v);
    }

    static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
