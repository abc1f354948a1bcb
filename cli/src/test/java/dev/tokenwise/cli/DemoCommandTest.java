package dev.tokenwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.wire.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoCommandTest {
    private JsonNode demo(String... extra) {
        DemoCommand cmd = new DemoCommand();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        cmd.out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        String[] args = new String[extra.length + 1];
        args[0] = "--json";
        System.arraycopy(extra, 0, args, 1, extra.length);
        assertThat(new CommandLine(cmd).execute(args)).isZero();
        return Json.parse(buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void the_json_bill_is_the_ledgers_sample_scaled_to_fifty_thousand_users() {
        JsonNode r = demo("--requests", "150", "--requests-per-user", "60");
        assertThat(r.path("requests").asLong()).isEqualTo(150);
        assertThat(r.path("failed").asInt()).isZero();
        assertThat(r.has("quality")).isTrue();
        assertThat(r.path("by_strategy").isObject()).isTrue();
        assertThat(r.path("scale").path("monthly_requests").asLong()).isEqualTo(3_000_000);
        double perRequest = r.path("sample").path("baseline_usd").asDouble() / 150;
        assertThat(r.path("baseline_usd").asDouble()).isCloseTo(perRequest * 3_000_000, org.assertj.core.data.Offset.offset(1.0));
        assertThat(r.path("baseline_usd").asDouble()).isPositive();
        assertThat(r.path("actual_usd").asDouble()).isLessThanOrEqualTo(r.path("baseline_usd").asDouble() + 0.01);
        assertThat(r.path("price_sheet").asText()).isEqualTo("seed-2025");
        assertThat(r.path("by_feature").has("support-chat")).isTrue();
    }

    @Test
    void the_same_seed_gives_the_same_bill() {
        JsonNode a = demo("--requests", "60", "--seed", "7");
        JsonNode b = demo("--requests", "60", "--seed", "7");
        assertThat(a.path("baseline_usd")).isEqualTo(b.path("baseline_usd"));
        assertThat(a.path("actual_usd")).isEqualTo(b.path("actual_usd"));
    }

    /** A recording in the RouteLLM shape where only the strong model is ever right. */
    private static void recording(Path file, String... prompts) throws Exception {
        StringBuilder sb = new StringBuilder("prompt,mistralai/Mixtral-8x7B-Instruct-v0.1,gpt-4-1106-preview\n");
        for (String p : prompts) sb.append('"').append(p).append("\",False,True\n");
        Files.writeString(file, sb.toString());
    }

    @Test
    void routing_quality_is_measured_on_the_subjects_the_bundled_router_held_out(@TempDir Path dir) throws Exception {
        List<String> held = dev.tokenwise.core.routing.LearnedRouter.bundled().heldOut();
        assertThat(held).isNotEmpty();
        List<String> prompts = new ArrayList<>();
        for (String who : List.of("Hamlet", "Macbeth", "Othello", "Emma", "Ulysses")) {
            prompts.add("Who wrote " + who + "?\nA. Shakespeare\nB. Dickens\nC. Austen\nD. Joyce\nAnswer:");
            prompts.add("Compute " + who.length() + "x + 5 = 20 for x.\nA. 3\nB. 5\nC. 7\nD. 9\nAnswer:");
        }
        recording(dir.resolve("mmlu_" + held.get(0) + ".csv"), prompts.subList(0, 6).toArray(String[]::new));
        recording(dir.resolve("mmlu_" + held.get(1) + ".csv"), prompts.subList(6, 10).toArray(String[]::new));
        recording(dir.resolve("mmlu_a_trained_subject.csv"), "Which of these is a fruit?\nA. apple\nB. car\nAnswer:");
        JsonNode q = demo("--requests", "20", "--routing-data", dir.toString()).path("quality");
        assertThat(q.path("measured").asBoolean()).isTrue();
        assertThat(q.path("held_out").asBoolean()).isTrue();
        assertThat(q.path("subjects")).extracting(JsonNode::asText).containsExactlyInAnyOrder(held.get(0), held.get(1));
        assertThat(q.path("requests").asInt()).isEqualTo(10);
        assertThat(q.path("failed").asInt()).isZero();
        double share = q.path("strong_share").asDouble();
        assertThat(share).isStrictlyBetween(0.0, 1.0);
        // only the strong model is right in this recording: the replayed verdicts make accuracy the strong share
        assertThat(q.path("accuracy").asDouble()).isCloseTo(share, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(q.path("quality_ratio").asDouble()).isCloseTo(share, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(q.path("always_strong_accuracy").asDouble()).isEqualTo(1.0);
        assertThat(q.path("saved_pct").asDouble()).isPositive();
        assertThat(q.path("actual_usd").asDouble()).isLessThan(q.path("baseline_usd").asDouble());
    }

    @Test
    void without_the_recording_the_demo_says_routing_quality_is_not_measured(@TempDir Path dir) {
        JsonNode q = demo("--requests", "20", "--routing-data", dir.resolve("absent").toString()).path("quality");
        assertThat(q.path("measured").asBoolean()).isFalse();
        assertThat(q.path("reason").asText()).contains("absent").contains("is not there");
    }
}
