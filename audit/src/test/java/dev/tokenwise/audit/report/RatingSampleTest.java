package dev.tokenwise.audit.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.tokenwise.audit.Audit;
import dev.tokenwise.audit.AuditOptions;
import dev.tokenwise.audit.Progress;
import dev.tokenwise.audit.find.TaskType;
import dev.tokenwise.audit.generate.SeedLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RatingSampleTest {
    @TempDir
    Path dir;

    @Test
    void the_sample_is_stratified_by_task_and_model_seeded_and_has_the_router_training_columns() throws Exception {
        Path log = dir.resolve("seed.jsonl");
        SeedLog.write(3000, log, 3);
        Path a = dir.resolve("a.csv");
        Path b = dir.resolve("b.csv");
        try (Audit audit = Audit.load(List.of(log), AuditOptions.defaults(), Progress.NONE)) {
            assertThat(audit.writeSample(120, a, new SplittableRandom(5))).isEqualTo(120);
            audit.writeSample(120, b, new SplittableRandom(5));
        }
        assertThat(Files.readString(a)).isEqualTo(Files.readString(b));
        List<List<String>> rows = parse(Files.readString(a));
        assertThat(rows.get(0)).containsExactly("prompt", "task_type", "model", "small_model", "large_answer", "small_answer", "weak_ok", "strong_ok");
        List<List<String>> data = rows.subList(1, rows.size());
        assertThat(data).hasSize(120).allSatisfy(r -> {
            assertThat(r).hasSize(8);
            assertThat(r.get(0)).isNotBlank();
            assertThat(Arrays.stream(TaskType.values()).map(TaskType::id)).contains(r.get(1));
            assertThat(r.get(4)).isNotBlank();
            assertThat(r.subList(5, 8)).containsOnly("");
        });
        Map<String, Long> strata = data.stream().collect(Collectors.groupingBy(r -> r.get(1) + "/" + r.get(2), Collectors.counting()));
        // every (task, model) of the seed log is represented, roughly in proportion
        assertThat(strata.keySet()).contains("faq/gpt-4o", "summarization/gpt-4o", "classification/gpt-4o", "extraction/gpt-4o",
                "drafting/claude-3-5-sonnet", "reasoning/gpt-4o", "chat/gpt-4o");
        assertThat(strata.get("chat/gpt-4o")).isGreaterThan(strata.get("reasoning/gpt-4o"));
    }

    @Test
    void quotas_are_proportional_with_one_per_stratum_and_sum_to_the_size() {
        Map<String, Long> q = RatingSample.quotas(new java.util.LinkedHashMap<>(Map.of("a", 1000L, "b", 10L, "c", 1L)), 50);
        assertThat(q.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(50);
        assertThat(q.get("c")).isEqualTo(1);
        assertThat(q.get("b")).isEqualTo(1);
        assertThat(q.get("a")).isEqualTo(48);
    }

    /** The sample file's rows, read by Jackson's CSV parser (RFC 4180: quoted commas, quotes and newlines). */
    static List<List<String>> parse(String s) throws java.io.IOException {
        List<List<String>> rows = new ArrayList<>();
        try (MappingIterator<String[]> it = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY)
                .readerFor(String[].class).readValues(s)) {
            while (it.hasNext()) rows.add(List.of(it.next()));
        }
        return rows;
    }
}
