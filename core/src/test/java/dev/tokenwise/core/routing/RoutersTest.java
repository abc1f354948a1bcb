package dev.tokenwise.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutersTest {
    @Test
    void the_math_density_shortcut_equals_the_extracted_feature() {
        int at = PromptFeatures.NAMES.indexOf("math_symbol_density");
        for (String p : new String[] {"", "Solve x^2 + 3x = 10 for x. Answer:", "What is 7 × 8 ÷ 2?", "Plain words only", null}) {
            assertThat(PromptFeatures.mathSymbolDensity(p)).isEqualTo(PromptFeatures.extract(p)[at]);
        }
    }

    @Test
    void the_rules_router_follows_the_playbook_task_table() {
        assertThat(RulesRouter.classify("What are your business hours?")).isEqualTo(RulesRouter.Task.FAQ_LOOKUP);
        assertThat(RulesRouter.classify("Extract the order number and delivery date from: order 5512 arrives 3 May"))
                .isEqualTo(RulesRouter.Task.SLOT_EXTRACTION);
        assertThat(RulesRouter.classify("Classify the sentiment of this review: great bottle")).isEqualTo(RulesRouter.Task.SIMPLE_CLASSIFICATION);
        assertThat(RulesRouter.classify("Draft a polite email declining the meeting")).isEqualTo(RulesRouter.Task.DRAFTING);
        assertThat(RulesRouter.classify("Write a Python function that reverses a list")).isEqualTo(RulesRouter.Task.CODE_SNIPPET);
        assertThat(RulesRouter.classify("Prove that the square root of 2 is irrational, step by step"))
                .isEqualTo(RulesRouter.Task.COMPLEX_REASONING);
        assertThat(RulesRouter.classify("Analyze our churn numbers and recommend a plan")).isEqualTo(RulesRouter.Task.MULTI_STEP_ANALYSIS);
        assertThat(RulesRouter.classify("Summarize this report: " + "The quarter went well. ".repeat(400)))
                .isEqualTo(RulesRouter.Task.LONG_SUMMARISATION);
        assertThat(RulesRouter.classify("Write a short story about a lighthouse keeper")).isEqualTo(RulesRouter.Task.CREATIVE_OR_RESEARCH);
        RulesRouter r = new RulesRouter();
        assertThat(r.difficulty("What are your business hours?")).isLessThan(r.difficulty("Draft a polite email"));
        assertThat(r.difficulty("Draft a polite email")).isLessThan(r.difficulty("Prove Fermat's little theorem step by step"));
    }

    /** Fixture: arithmetic-heavy prompts defeat the weak model but not the strong one; plain ones defeat neither. */
    static List<LabelledPrompt> fixture(int n, long seed) {
        Random r = new Random(seed);
        List<LabelledPrompt> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean math = r.nextBoolean();
            String p = math
                    ? "Compute x if 3x + " + r.nextInt(99) + " = " + r.nextInt(999) + " * " + r.nextInt(9) + "?\nA. " + r.nextInt(50) + "\nB. " + r.nextInt(50) + "\nAnswer:"
                    : "Which animal is known for its long neck and spotted coat?\nA. giraffe\nB. zebra\nAnswer:";
            boolean weakOk = math ? r.nextDouble() < 0.3 : r.nextDouble() < 0.95;
            boolean strongOk = math ? r.nextDouble() < 0.9 : r.nextDouble() < 0.97;
            out.add(new LabelledPrompt(p, math ? "math" : "trivia", weakOk, strongOk, null, null));
        }
        return out;
    }

    @Test
    void the_learned_router_ranks_prompts_the_weak_model_fails_above_the_rest() {
        LearnedRouter r = LearnedRouter.fit(fixture(400, 1), 1.0);
        double math = r.difficulty("Compute x if 3x + 7 = 12 * 4?\nA. 13\nB. 14\nAnswer:");
        double plain = r.difficulty("Which bird is known for its colourful tail feathers?\nA. peacock\nB. crow\nAnswer:");
        assertThat(math).isGreaterThan(plain + 0.2);
    }

    @Test
    void a_trained_router_survives_a_round_trip_through_its_json_artifact(@TempDir Path dir) {
        LearnedRouter r = RouterTraining.train(fixture(300, 2), 3, 5, "fixture", "weak", "strong");
        Path file = dir.resolve("router.json");
        r.save(file);
        LearnedRouter back = LearnedRouter.load(file);
        String prompt = "Compute y if 2y = 40 / 5?\nA. 4\nB. 8\nAnswer:";
        assertThat(back.difficulty(prompt)).isEqualTo(r.difficulty(prompt));
        assertThat(back.calibration()).isEqualTo(r.calibration());
        assertThat(back.thresholdFor(0.95)).isPresent();
        assertThat(back.thresholdFor(0.95).get().qualityTarget()).isEqualTo(0.95);
        assertThat(back.thresholdFor(0.96).get().qualityTarget()).isEqualTo(0.975);
    }

    @Test
    void an_artifact_for_other_features_is_refused_with_a_retrain_hint(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("old.json");
        Files.writeString(file, "{\"kind\":\"learned\",\"format\":1,\"features\":[\"log_chars\"],\"models\":{}}");
        assertThatThrownBy(() -> LearnedRouter.load(file)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retrain");
    }

    @Test
    void the_bundled_router_and_cascade_scorer_load_and_carry_a_095_threshold() {
        assertThat(LearnedRouter.bundled().thresholdFor(0.95)).isPresent();
        assertThat(AnswerScorer.bundled().thresholdFor(0.95)).isPresent();
    }

    @Test
    void the_answer_scorer_sees_a_cut_off_answer_and_checks_shown_arithmetic() {
        double[] cut = AnswerScorer.features("How many?", " The total is 80,000 + 50,000 = $<<80000+50000=130000>>130,00");
        double[] done = AnswerScorer.features("How many?", "3 x 60 = <<3*60=180>>180 meters.\n180 x 3 = <<180*3=540>>540\n#### 540");
        double[] wrong = AnswerScorer.features("How many?", "3 x 60 = <<3*60=190>>190 meters.\n#### 190");
        int truncated = AnswerScorer.NAMES.indexOf("truncated");
        int marker = AnswerScorer.NAMES.indexOf("final_marker");
        int errors = AnswerScorer.NAMES.indexOf("calc_errors");
        assertThat(cut[truncated]).isEqualTo(1);
        assertThat(done[truncated]).isEqualTo(0);
        assertThat(done[marker]).isEqualTo(1);
        assertThat(done[errors]).isEqualTo(0);
        assertThat(wrong[errors]).isEqualTo(1);
    }
}
