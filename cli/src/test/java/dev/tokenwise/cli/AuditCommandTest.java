package dev.tokenwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.tokenwise.core.wire.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AuditCommandTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    private Result run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            CommandLine cl = Main.commandLine();
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return new Result(code, buf.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    @Test
    void demo_generates_a_log_that_audit_turns_into_a_report_a_config_and_a_rating_sample() throws Exception {
        Path log = dir.resolve("seed.jsonl");
        assertThat(run("demo", "--generate-log", "1500", "--out", log.toString()).code()).isZero();
        assertThat(Files.readAllLines(log)).hasSize(1500);
        Path html = dir.resolve("report.html");
        Path csv = dir.resolve("sample.csv");
        Path yaml = dir.resolve("tokenwise.yaml");
        Result r = run("audit", log.toString(), "--price-sheet", "seed-2025", "--out", html.toString(), "--sample", "40",
                "--sample-out", csv.toString(), "--config-out", yaml.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("1,500 requests").contains("saved").contains("exact_repeats");
        assertThat(Files.readString(html)).contains("<svg id=\"waterfall\"");
        assertThat(Files.readAllLines(csv).get(0)).isEqualTo("prompt,task_type,model,small_model,large_answer,small_answer,weak_ok,strong_ok");
        assertThat(Files.readString(yaml)).contains("models:");
        JsonNode j = Json.parse(run("audit", log.toString(), "--json").out());
        assertThat(j.path("requests").asLong()).isEqualTo(1500);
        assertThat(j.path("price_sheet").asText()).isEqualTo("current");
    }

    @Test
    void a_rated_sample_round_trips_into_router_training() throws Exception {
        Path log = dir.resolve("seed.jsonl");
        assertThat(run("demo", "--generate-log", "3000", "--out", log.toString()).code()).isZero();
        Path csv = dir.resolve("sample.csv");
        Result r = run("audit", log.toString(), "--sample", "80", "--sample-out", csv.toString());
        assertThat(r.code()).as(r.err()).isZero();
        // a rater fills the verdicts: the small model is fine on FAQ, extraction and classification
        java.util.List<java.util.List<String>> rows = parseCsv(Files.readString(csv));
        StringBuilder filled = new StringBuilder(String.join(",", rows.get(0))).append('\n');
        long weakOk = 0;
        for (java.util.List<String> row : rows.subList(1, rows.size())) {
            boolean ok = java.util.Set.of("faq", "extraction", "classification").contains(row.get(1));
            if (ok) weakOk++;
            java.util.List<String> f = new java.util.ArrayList<>(row);
            f.set(5, "small model answer");
            f.set(6, String.valueOf(ok));
            f.set(7, "true");
            filled.append(csvLine(f));
        }
        Path rated = dir.resolve("rated.csv");
        Files.writeString(rated, filled);
        var labels = dev.tokenwise.core.routing.RoutingData.load(rated, dev.tokenwise.core.routing.RoutingData.DEFAULT_WEAK,
                dev.tokenwise.core.routing.RoutingData.DEFAULT_STRONG);
        assertThat(labels).hasSize(80);
        assertThat(labels.stream().filter(dev.tokenwise.core.routing.LabelledPrompt::weakOk).count()).isEqualTo(weakOk).isPositive();
        Path router = dir.resolve("router.json");
        Result train = run("router", "train", "--data", rated.toString(), "--out", router.toString());
        assertThat(train.code()).as(train.err() + train.out()).isZero();
        assertThat(router).exists();
    }

    @Test
    void a_file_that_is_no_log_is_one_clear_error_with_exit_code_2() throws Exception {
        Path f = dir.resolve("notes.txt");
        Files.writeString(f, "just some notes\n");
        Result r = run("audit", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("line 1: not a log format").contains("expected one of").doesNotContain("Exception");
        Result missing = run("audit", dir.resolve("nope.jsonl").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("log file not found");
        assertThat(run("audit", f.toString(), "--sample", "5").err()).contains("--sample needs --sample-out");
    }

    /** The sample file's rows, read by Jackson's CSV parser (RFC 4180: quoted commas, quotes and newlines). */
    static java.util.List<java.util.List<String>> parseCsv(String s) throws java.io.IOException {
        java.util.List<java.util.List<String>> rows = new java.util.ArrayList<>();
        try (MappingIterator<String[]> it = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY)
                .readerFor(String[].class).readValues(s)) {
            while (it.hasNext()) rows.add(java.util.List.of(it.next()));
        }
        return rows;
    }

    static String csvLine(java.util.List<String> fields) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append('"').append(fields.get(i).replace("\"", "\"\"")).append('"');
        }
        return sb.append('\n').toString();
    }
}
