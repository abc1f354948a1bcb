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
        // odd lines are the held-out split: the pairs that count are lines 2, 4 and 6
        Path pairs = dir.resolve("pairs.jsonl");
        Files.writeString(pairs, String.join("\n",
                "{\"text_a\":\"train only\",\"text_b\":\"train only\",\"label\":1}",
                "{\"text_a\":\"How do I reset my password?\",\"text_b\":\"How do I reset my password?\",\"label\":1}",
                "{\"text_a\":\"train only 2\",\"text_b\":\"train only 2\",\"label\":1}",
                "{\"text_a\":\"What happened in 2002?\",\"text_b\":\"What happened in 1992?\",\"label\":0}",
                "{\"text_a\":\"train only 3\",\"text_b\":\"train only 3\",\"label\":1}",
                "{\"text_a\":\"Why is the sky blue?\",\"text_b\":\"How do volcanoes form?\",\"label\":0}") + "\n");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = Main.commandLine().execute("eval", "cache", "--pairs", pairs.toString(), "--json");
        } finally {
            System.setOut(old);
        }
        assertThat(code).isZero();
        JsonNode r = Json.parse(buf.toString(StandardCharsets.UTF_8));
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

    @Test
    void a_missing_pairs_file_is_a_user_error() {
        assertThat(Main.commandLine().execute("eval", "cache", "--pairs", dir.resolve("nope.jsonl").toString())).isEqualTo(2);
    }
}
