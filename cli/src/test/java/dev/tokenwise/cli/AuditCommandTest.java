package dev.tokenwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
}
