package dev.tokenwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.wire.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCacheCommandTest {
    @TempDir
    Path dir;

    @Test
    void eval_cache_reports_the_metrics_of_the_evaluation_protocol_as_json() throws Exception {
        Path pairs = write("pairs.jsonl", true,
                new String[] {"How do I reset my password?", "How do I reset my password?", "1"},
                new String[] {"What happened in 2002?", "What happened in 1992?", "0"},
                new String[] {"Why is the sky blue?", "How do volcanoes form?", "0"});
        JsonNode r = run("eval", "cache", "--pairs", pairs.toString(), "--json");
        assertThat(r.path("pairs").asInt()).isEqualTo(3);
        assertThat(r.path("positives").asInt()).isEqualTo(1);
        // the identical question is a correct hit; the year change is refused by the number guard
        assertThat(r.path("precision").asDouble()).isEqualTo(1.0);
        assertThat(r.path("recall").asDouble()).isEqualTo(1.0);
        assertThat(r.path("false_hit_rate").asDouble()).isZero();
        assertThat(r.path("curve").size()).isEqualTo(50);
        assertThat(r.path("curve").get(0).has("precision")).isTrue();
        for (String k : new String[] {"threshold", "lookup_p50_us", "lookup_p99_us", "bytes_per_entry"}) {
            assertThat(r.has(k)).as(k).isTrue();
        }
        assertThat(r.path("bytes_per_entry").asLong()).isPositive();
    }

    /**
     * Writes {text_a, text_b, label} pairs into the held-out split (odd lines) or the TRAIN split
     * (even lines), with a filler pair on the other split's line in between.
     */
    private Path write(String name, boolean heldOut, String[]... pairs) throws Exception {
        StringBuilder lines = new StringBuilder();
        String filler = "{\"text_a\":\"filler\",\"text_b\":\"filler\",\"label\":1}\n";
        for (String[] p : pairs) {
            if (heldOut) lines.append(filler);
            lines.append(Json.write(Json.object().put("text_a", p[0]).put("text_b", p[1]).put("label", Integer.parseInt(p[2])))).append('\n');
            if (!heldOut) lines.append(filler);
        }
        Path file = dir.resolve(name);
        Files.writeString(file, lines.toString());
        return file;
    }

    private static JsonNode run(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.commandLine().execute(args)).isZero();
        } finally {
            System.setOut(old);
        }
        return Json.parse(buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void the_unambiguous_figures_leave_out_queries_stored_under_another_pair() throws Exception {
        // the third query is word for word the first pair's stored question
        Path pairs = write("ambiguous.jsonl", true,
                new String[] {"How do I reset my password?", "how do i reset my password", "1"},
                new String[] {"Why is the sky blue?", "Why is the sky blue?", "1"},
                new String[] {"What makes the ocean salty?", "How do I reset my password?", "0"});
        JsonNode r = run("eval", "cache", "--pairs", pairs.toString(), "--json", "--warmup", "2");
        // protocol: the third query is served the first pair's answer, a false hit
        assertThat(r.path("false_hits").asInt()).isEqualTo(1);
        assertThat(r.path("false_hits_other_pair").asInt()).isEqualTo(1);
        assertThat(r.path("false_hits_own_pair_label_0").asInt()).isZero();
        assertThat(r.path("precision").asDouble()).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-3));
        JsonNode u = r.path("unambiguous");
        assertThat(u.path("queries").asInt()).isEqualTo(2);
        assertThat(u.path("excluded_queries").asInt()).isEqualTo(1);
        assertThat(u.path("precision").asDouble()).isEqualTo(1.0);
        assertThat(u.path("recall").asDouble()).isEqualTo(1.0);
        assertThat(u.path("curve").size()).isEqualTo(50);
        // pair level: each text_b against its own text_a; the label-0 pair is not a hit
        assertThat(r.path("pair_level").path("precision").asDouble()).isEqualTo(1.0);
        assertThat(r.path("pair_level").path("recall").asDouble()).isEqualTo(1.0);
    }

    @Test
    void training_writes_a_loadable_model_with_an_out_of_fold_threshold() throws Exception {
        Path pairs = write("train.jsonl", false,
                new String[] {"How do I reset my password?", "How can I reset my password?", "1"},
                new String[] {"Why is the sky blue?", "Why is the ocean blue?", "0"},
                new String[] {"How do I learn to cook?", "How can I learn cooking?", "1"},
                new String[] {"What is the best phone?", "What is the best laptop?", "0"},
                new String[] {"How can I sleep better?", "How do I improve my sleep?", "1"},
                new String[] {"Why do cats purr?", "Why do dogs bark?", "0"});
        Path out = dir.resolve("model.json");
        assertThat(Main.commandLine().execute("eval", "cache", "--pairs", pairs.toString(), "--train", out.toString(),
                "--folds", "2", "--epochs", "2", "--hidden", "4")).isZero();
        dev.tokenwise.core.cache.VerifierModel m = dev.tokenwise.core.cache.VerifierModel.fromJson(Json.MAPPER.readTree(out.toFile()));
        assertThat(m.net()).isNotNull();
        assertThat(m.hardGuards()).containsExactlyInAnyOrder("number", "negation");
        assertThat(m.trainedOn()).contains("6 pairs (3 positive)").contains("2-fold out-of-fold");
    }

    @Test
    void a_missing_pairs_file_is_a_user_error() {
        assertThat(Main.commandLine().execute("eval", "cache", "--pairs", dir.resolve("nope.jsonl").toString())).isEqualTo(2);
    }
}
