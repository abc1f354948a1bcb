package dev.tokenwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.wire.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostAndKeysCommandTest {
    @TempDir Path dir;

    private record Run(int code, String out, String err) {}

    private static synchronized Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            var cl = Main.commandLine();
            cl.setErr(new java.io.PrintWriter(System.err, true));
            int code = cl.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void cost_prints_the_seeds_example_of_a_dollar_and_four_cents() {
        Run r = run("cost", "--gpu-hourly", "3", "--tokens-per-second", "800");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("$1.04");
        JsonNode j = Json.parse(run("cost", "--gpu-hourly", "3", "--tokens-per-second", "800", "--json").out());
        assertThat(j.get("usd_per_million_tokens").asDouble()).isEqualTo(1.041667);
        assertThat(j.get("tokens_per_hour").asDouble()).isEqualTo(2_880_000);
    }

    @Test
    void cost_without_its_inputs_is_a_one_line_user_error() {
        Run r = run("cost", "--gpu-hourly", "3");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--tokens-per-second").doesNotContain("Exception");
        assertThat(run("cost", "plan", "--params-b", "7", "--gpu", "tpu-v9").err()).contains("unknown GPU 'tpu-v9'");
    }

    @Test
    void cost_plan_json_has_the_planner_figures() {
        JsonNode j = Json.parse(run("cost", "plan", "--params-b", "70", "--precision", "int4", "--gpu", "a100-80gb",
                "--compare-model", "gpt-4o", "--json").out());
        assertThat(j.get("weight_gb").asDouble()).isEqualTo(35.0);
        assertThat(j.get("gpus_needed").asInt()).isEqualTo(1);
        assertThat(j.get("decode_tokens_per_second_per_sequence").asDouble()).isEqualTo(58.257);
        assertThat(j.at("/compare/blended_usd_per_million").asDouble()).isEqualTo(4.375);
        assertThat(j.at("/compare/break_even_tokens_per_month").asLong()).isEqualTo(500_571_429L);
    }

    @Test
    void keys_create_prints_the_secret_once_and_list_and_revoke_work_on_the_store() {
        Run c = run("keys", "create", "--name", "svc", "--budget-usd", "5", "--period", "day", "--data-dir", dir.toString(), "--json");
        assertThat(c.code()).as(c.err()).isZero();
        JsonNode k = Json.parse(c.out());
        String secret = k.get("secret").asText();
        assertThat(secret).startsWith("tw-" + k.get("id").asText() + "-");
        Run list = run("keys", "list", "--data-dir", dir.toString(), "--json");
        assertThat(list.out()).contains(k.get("id").asText()).doesNotContain(secret);
        assertThat(Json.parse(list.out()).get(0).get("spent_usd").asDouble()).isZero();
        assertThat(run("keys", "revoke", k.get("id").asText(), "--data-dir", dir.toString()).code()).isZero();
        assertThat(Json.parse(run("keys", "list", "--data-dir", dir.toString(), "--json").out()).get(0).get("revoked_at").isNull())
                .isFalse();
        assertThat(run("keys", "revoke", "k000000000000", "--data-dir", dir.toString()).code()).isEqualTo(2);
    }
}
