package dev.tokenwise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Draws a routing report's curve (strong-call share vs accuracy) with the random and oracle lines. */
final class CurvePlot {
    private static final int W = 640;
    private static final int H = 440;
    private static final int L = 60;
    private static final int R = 20;
    private static final int T = 40;
    private static final int B = 50;

    private CurvePlot() {}

    static void write(JsonNode report, Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        List<double[]> router = new ArrayList<>();
        List<double[]> oracle = new ArrayList<>();
        for (JsonNode p : report.path("curve")) {
            router.add(new double[] {p.path("strong_share").asDouble(), p.path("accuracy").asDouble()});
            oracle.add(new double[] {p.path("strong_share").asDouble(), p.path("oracle_accuracy").asDouble()});
        }
        double weak = report.path("weak_accuracy").asDouble();
        double strong = report.path("strong_accuracy").asDouble();
        List<double[]> random = List.of(new double[] {0, weak}, new double[] {1, strong});
        double lo = Math.max(0, Math.min(weak, strong) - 0.05);
        double hi = Math.min(1, oracle.stream().mapToDouble(p -> p[1]).max().orElse(strong) + 0.03);
        String title = String.format(Locale.ROOT, "%s (%s): APGR %.3f, CPT(50%%) %.1f%%", report.path("router").asText(),
                report.path("protocol").asText(), report.path("apgr").asDouble(), 100 * report.path("cpt50").asDouble());
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            if (name.endsWith(".svg")) {
                Files.writeString(file, svg(router, oracle, random, lo, hi, title));
            } else if (name.endsWith(".png")) {
                ImageIO.write(png(router, oracle, random, lo, hi, title), "png", file.toFile());
            } else {
                throw new UserException("--plot must end in .svg or .png, was " + file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static double x(double share) { return L + share * (W - L - R); }

    private static double y(double acc, double lo, double hi) { return T + (hi - acc) / (hi - lo) * (H - T - B); }

    private static String svg(List<double[]> router, List<double[]> oracle, List<double[]> random, double lo, double hi, String title) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n", W, H));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\">%s</text>%n", L, escape(title)));
        for (int i = 0; i <= 10; i++) {
            double sx = i / 10.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d%%</text>%n", x(sx), T, x(sx), H - B, x(sx), H - B + 16, i * 10));
            double acc = lo + i * (hi - lo) / 10;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>%n", L, y(acc, lo, hi), W - R, y(acc, lo, hi), L - 6, y(acc, lo, hi) + 4, acc));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">strong-model call share</text>%n", (W + L - R) / 2, H - 12));
        s.append(String.format(Locale.ROOT, "<text transform=\"translate(16,%d) rotate(-90)\" text-anchor=\"middle\">accuracy</text>%n", (H + T - B) / 2));
        s.append(polyline(random, lo, hi, "#999", "6,4"));
        s.append(polyline(oracle, lo, hi, "#2a9d8f", "2,3"));
        s.append(polyline(router, lo, hi, "#e76f51", null));
        String[][] legend = {{"#e76f51", "router"}, {"#2a9d8f", "oracle"}, {"#999", "random"}};
        for (int i = 0; i < legend.length; i++) {
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", W - R - 110, H - B - 60 + i * 16, W - R - 90, H - B - 60 + i * 16,
                    legend[i][0], W - R - 84, H - B - 56 + i * 16, legend[i][1]));
        }
        return s.append("</svg>\n").toString();
    }

    private static String polyline(List<double[]> pts, double lo, double hi, String color, String dash) {
        StringBuilder p = new StringBuilder();
        for (double[] pt : pts) p.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(pt[0]), y(pt[1], lo, hi)));
        return String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"%s\"/>%n",
                color, dash == null ? "" : " stroke-dasharray=\"" + dash + "\"", p.toString().strip());
    }

    private static BufferedImage png(List<double[]> router, List<double[]> oracle, List<double[]> random, double lo, double hi, String title) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.drawString(title, L, 22);
        g.drawString("strong-model call share (0-100%)", (W - 180) / 2, H - 12);
        g.drawRect(L, T, W - L - R, H - T - B);
        draw(g, random, lo, hi, new Color(0x999999));
        draw(g, oracle, lo, hi, new Color(0x2a9d8f));
        draw(g, router, lo, hi, new Color(0xe76f51));
        g.dispose();
        return img;
    }

    private static void draw(Graphics2D g, List<double[]> pts, double lo, double hi, Color c) {
        g.setColor(c);
        g.setStroke(new BasicStroke(2));
        for (int i = 1; i < pts.size(); i++) {
            g.drawLine((int) x(pts.get(i - 1)[0]), (int) y(pts.get(i - 1)[1], lo, hi), (int) x(pts.get(i)[0]), (int) y(pts.get(i)[1], lo, hi));
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
