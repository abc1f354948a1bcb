package dev.tokenwise.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoutingDataTest {
    @Test
    void routellm_csvs_are_read_per_subject_without_contaminated_prompts(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("mmlu_anatomy.csv"), """
                prompt,weak,strong
                "Which bone?
                A. femur
                B. ulna
                Answer:",True,True
                "Leaked question
                Answer:",False,True
                """);
        Files.writeString(dir.resolve("contaminated_prompts.jsonl"), "{\"train_prompt\":\"x\",\"eval_prompt\":\"Leaked question\\nAnswer:\"}\n");
        List<LabelledPrompt> rows = RoutingData.load(dir, "weak", "strong");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).group()).isEqualTo("anatomy");
        assertThat(rows.get(0).prompt()).startsWith("Which bone?\nA. femur");
        assertThat(rows.get(0).weakOk()).isTrue();
    }

    @Test
    void a_rating_sample_uses_weak_ok_and_strong_ok_columns(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("ratings.csv");
        Files.writeString(f, "prompt,weak_ok,strong_ok\nWhat are your hours?,yes,yes\nProve it,0,1\n");
        List<LabelledPrompt> rows = RoutingData.load(f, RoutingData.DEFAULT_WEAK, RoutingData.DEFAULT_STRONG);
        assertThat(rows).extracting(LabelledPrompt::weakOk).containsExactly(true, false);
        assertThat(rows).extracting(LabelledPrompt::strongOk).containsExactly(true, true);
        assertThat(rows.get(0).hasResponses()).isFalse();
    }

    @Test
    void response_columns_are_picked_up_for_the_cascade(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("gsm.csv");
        Files.writeString(f, "prompt,w,s,w_response,s_response\nq,False,True,\"no idea\",\"#### 4\"\n");
        LabelledPrompt p = RoutingData.load(f, "w", "s").get(0);
        assertThat(p.hasResponses()).isTrue();
        assertThat(p.strongResponse()).isEqualTo("#### 4");
    }

    @Test
    void missing_model_columns_are_named_in_the_error(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.csv");
        Files.writeString(f, "prompt,a,b\nq,True,True\n");
        assertThatThrownBy(() -> RoutingData.load(f, "weak", "strong")).hasMessageContaining("'weak'").hasMessageContaining("weak_ok");
    }
}
