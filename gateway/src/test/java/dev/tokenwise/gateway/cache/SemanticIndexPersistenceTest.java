package dev.tokenwise.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SemanticIndexPersistenceTest {
    @TempDir
    Path dir;

    private static float[] unit(float... v) {
        double n = 0;
        for (float x : v) n += x * x;
        for (int i = 0; i < v.length; i++) v[i] /= (float) Math.sqrt(n);
        return v;
    }

    @Test
    void entries_in_a_directory_survive_a_reopen() {
        try (SemanticIndex index = new SemanticIndex(dir, 100)) {
            index.add("tenant-a", "How do I reset my password?", unit(1, 0, 0, 0), new byte[] {42}, Long.MAX_VALUE);
            index.refresh();
        }
        try (SemanticIndex reopened = new SemanticIndex(dir, 100)) {
            var found = reopened.search("tenant-a", unit(1, 0.01f, 0, 0), 4);
            assertThat(found).hasSize(1);
            assertThat(found.get(0).text()).isEqualTo("How do I reset my password?");
            assertThat(found.get(0).payload()).containsExactly(42);
            assertThat(found.get(0).cosine()).isGreaterThan(0.99);
        }
    }

    @Test
    void a_search_never_crosses_namespaces() {
        try (SemanticIndex index = new SemanticIndex(null, 100)) {
            index.add("tenant-a", "q", unit(1, 0, 0, 0), new byte[] {1}, Long.MAX_VALUE);
            index.refresh();
            assertThat(index.search("tenant-b", unit(1, 0, 0, 0), 4)).isEmpty();
            assertThat(index.search("tenant-a", unit(1, 0, 0, 0), 4)).hasSize(1);
        }
    }

    @Test
    void beyond_max_entries_the_oldest_entries_are_dropped() {
        try (SemanticIndex index = new SemanticIndex(null, 3)) {
            for (int i = 0; i < 10; i++) index.add("ns", "q" + i, unit(1, i, 0, 0), new byte[] {(byte) i}, Long.MAX_VALUE);
            index.refresh();
            var found = index.search("ns", unit(1, 9, 0, 0), 10);
            assertThat(found).extracting(SemanticIndex.Candidate::text).containsExactlyInAnyOrder("q7", "q8", "q9");
        }
    }
}
