package dev.tokenwise.audit.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tokenwise.audit.Audit;
import dev.tokenwise.audit.AuditOptions;
import dev.tokenwise.audit.AuditReport;
import dev.tokenwise.audit.Progress;
import dev.tokenwise.audit.generate.SeedLog;
import dev.tokenwise.core.wire.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportChromiumTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    @TempDir
    static Path dir;
    static AuditReport report;
    static Path html;

    @BeforeAll
    static void writeTheReport() throws Exception {
        Path log = dir.resolve("seed.jsonl");
        SeedLog.write(3000, log, 11);
        try (Audit a = Audit.load(List.of(log), new AuditOptions(null, "seed-2025", null), Progress.NONE)) {
            report = a.report();
        }
        Path target = Path.of("target");
        Files.createDirectories(target);
        html = target.resolve("audit-report.html").toAbsolutePath();
        Files.writeString(html, HtmlReport.render(report), StandardCharsets.UTF_8);
    }

    private static String chromium(String... extra) throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "chromium is installed at /usr/bin/chromium (scripts/test installs it)");
        Path profile = Files.createTempDirectory(dir, "chromium-profile");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile));
        cmd.addAll(List.of(extra));
        cmd.add(html.toUri().toString());
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve("chromium-" + System.nanoTime() + ".err").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void the_report_renders_in_headless_chromium_with_its_charts_and_numbers() throws Exception {
        String dom = chromium("--dump-dom");
        assertThat(dom).contains("<svg id=\"waterfall\"").contains("<svg id=\"spend-over-time\"").contains("<svg id=\"spend-by-feature\"");
        String baseline = String.format(java.util.Locale.ROOT, "%.2f", report.simulation().baselinePerMonthUsd());
        String after = String.format(java.util.Locale.ROOT, "%.2f", report.simulation().afterPerMonthUsd());
        assertThat(dom).contains("data-label=\"baseline\" data-value=\"" + baseline + "\"");
        assertThat(dom).contains("data-label=\"after\" data-value=\"" + after + "\"");
        for (var step : report.simulation().waterfall()) assertThat(dom).contains("data-label=\"" + step.strategy() + "\"");
        assertThat(dom).contains("data-finding=\"exact_repeats\"").contains("Top offenders").contains("support-chat");
        assertThat(dom).doesNotContain("<script src").doesNotContain("<link ").doesNotContain("src=\"http");
    }

    @Test
    void a_screenshot_of_the_report_is_saved_under_target() throws Exception {
        Path png = Path.of("target", "audit-report.png").toAbsolutePath();
        Files.deleteIfExists(png);
        chromium("--screenshot=" + png, "--window-size=1200,2600", "--hide-scrollbars");
        assertThat(png).exists();
        byte[] head = Files.readAllBytes(png);
        assertThat(head.length).isGreaterThan(20_000);
        assertThat(new String(head, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }

    @Test
    void the_json_report_has_the_same_numbers() {
        JsonNode j = Json.parse(JsonReport.render(report));
        assertThat(j.path("simulation").path("baseline_usd").asDouble()).isEqualTo(report.simulation().baselineUsd());
        assertThat(j.path("simulation").path("waterfall")).hasSize(report.simulation().waterfall().size());
        assertThat(j.path("findings").get(0).path("saving_per_month_usd").isNumber()).isTrue();
        assertThat(j.path("spend_by_model").get(0).path("name").asText()).isEqualTo("gpt-4o");
        assertThat(j.path("recommended_config").asText()).contains("models:");
    }
}
