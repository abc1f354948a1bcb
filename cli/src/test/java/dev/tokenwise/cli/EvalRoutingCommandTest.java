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
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvalRoutingCommandTest {
    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            CommandLine cl = Main.commandLine();
            cl.setErr(new PrintWriter(err, true));
            int code = cl.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(old);
        }
    }

    /** Three subjects of multiple-choice prompts; arithmetic ones defeat the weak model. */
    private static Path dataset(Path dir) throws Exception {
        Random r = new Random(4);
        for (String subject : new String[] {"algebra", "trivia", "history", "geometry"}) {
            StringBuilder sb = new StringBuilder("prompt,mistralai/Mixtral-8x7B-Instruct-v0.1,gpt-4-1106-preview\n");
            for (int i = 0; i < 60; i++) {
                boolean math = subject.equals("algebra") || subject.equals("geometry") ? r.nextDouble() < 0.8 : r.nextDouble() < 0.2;
                String p = math ? "Compute x if " + r.nextInt(9) + "x + " + r.nextInt(99) + " = " + r.nextInt(999) + "?\nA. 1\nB. 2\nAnswer:"
                        : "Which city was the capital in year " + (1500 + i) + "?\nA. Paris\nB. Rome\nAnswer:";
                boolean weak = math ? r.nextDouble() < 0.3 : r.nextDouble() < 0.9;
                boolean strong = math ? r.nextDouble() < 0.9 : r.nextDouble() < 0.95;
                sb.append('"').append(p).append("\",").append(weak ? "True" : "False").append(',').append(strong ? "True" : "False").append('\n');
            }
            Files.writeString(dir.resolve("mmlu_" + subject + ".csv"), sb.toString());
        }
        return dir;
    }

    @Test
    void cascade_without_response_columns_is_a_clear_one_line_error(@TempDir Path dir) throws Exception {
        Run r = run("eval", "routing", "--data", dataset(dir).toString(), "--cascade");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--cascade needs the models' answers").contains("Mixtral-8x7B-Instruct-v0.1_response");
    }

    @Test
    void held_out_evaluation_prints_the_metrics_under_their_documented_names(@TempDir Path dir) throws Exception {
        Path plot = dir.resolve("curve.svg");
        Run r = run("eval", "routing", "--data", dataset(dir).toString(),
                "--holdout-subjects", "1", "--splits", "2", "--folds", "3", "--json", "--plot", plot.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(0);
        JsonNode j = Json.parse(r.out());
        for (String k : new String[] {"n", "weak_accuracy", "strong_accuracy", "apgr", "cpt50", "cpt80", "strong_share_at_95",
                "cost_saving_at_95", "oracle", "calibrated", "curve", "splits"}) {
            assertThat(j.has(k)).as(k).isTrue();
        }
        assertThat(j.path("oracle").has("cpt50")).isTrue();
        assertThat(j.path("calibrated").has("threshold")).isTrue();
        assertThat(j.path("splits")).hasSize(2);
        assertThat(j.path("splits").get(0).path("held_out")).hasSize(1);
        assertThat(Files.readString(plot)).startsWith("<svg").contains("oracle").contains("random");
    }

    @Test
    void router_train_writes_an_artifact_that_eval_can_score_with(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        dataset(data);
        Path out = dir.resolve("router.json");
        Run t = run("router", "train", "--data", data.toString(), "--out", out.toString(), "--folds", "3");
        assertThat(t.exit()).as(t.err()).isEqualTo(0);
        assertThat(t.out()).contains("quality_target 0.950");
        Run e = run("eval", "routing", "--data", data.toString(), "--router", out.toString(), "--json");
        assertThat(e.exit()).as(e.err()).isEqualTo(0);
        assertThat(Json.parse(e.out()).path("protocol").asText()).isEqualTo("fixed");
    }

    @Test
    void a_router_trained_with_held_out_subjects_is_evaluated_on_them_only(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        dataset(data);
        Path out = dir.resolve("router.json");
        Run t = run("router", "train", "--data", data.toString(), "--out", out.toString(), "--folds", "3",
                "--holdout-subjects", "trivia", "--calibration-groups", "2");
        assertThat(t.exit()).as(t.err()).isEqualTo(0);
        assertThat(t.out()).contains("180 rated prompts").contains("held out: trivia");
        JsonNode trained = Json.parse(Files.readString(out)).path("trained_on");
        assertThat(trained.path("held_out")).extracting(JsonNode::asText).containsExactly("trivia");
        assertThat(trained.path("groups")).extracting(JsonNode::asText).doesNotContain("trivia");
        assertThat(trained.path("calibration_groups_per_draw").asInt()).isEqualTo(2);
        Run e = run("eval", "routing", "--data", data.toString(), "--router", out.toString(), "--json");
        assertThat(e.exit()).as(e.err()).isEqualTo(0);
        JsonNode j = Json.parse(e.out());
        assertThat(j.path("n").asInt()).isEqualTo(60);
        assertThat(j.path("evaluated_on").asText()).isEqualTo("the subjects the router held out");
        assertThat(j.path("calibrated").has("lower_bound")).isTrue();
        assertThat(j.path("calibrated").path("margin").asDouble()).isGreaterThanOrEqualTo(0);
        Run bad = run("router", "train", "--data", data.toString(), "--out", out.toString(), "--holdout-subjects", "poetry");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("no subject 'poetry'");
    }
}
