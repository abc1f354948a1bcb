package dev.tokenwise.gateway.cache.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.wire.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One labelled pair from a JSONL file ({@code {text_a, text_b, label}}), with its line number. The
 * line number decides the split: even lines train the verifier, odd lines are held out for
 * evaluation, so a reported figure never comes from data the verifier saw.
 */
public record QuestionPair(int line, String textA, String textB, int label) {

    public enum Split {
        TRAIN, HELDOUT, ALL;

        boolean contains(int line) {
            return switch (this) {
                case TRAIN -> line % 2 == 0;
                case HELDOUT -> line % 2 == 1;
                case ALL -> true;
            };
        }
    }

    /** Reads the pairs of one split, at most {@code limit} (0 = all), in file order. */
    public static List<QuestionPair> read(Path file, Split split, int limit) {
        List<QuestionPair> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file)) {
            String s;
            int line = 0;
            while ((s = r.readLine()) != null) {
                int n = line++;
                if (s.isBlank() || !split.contains(n)) continue;
                JsonNode j = Json.parse(s);
                if (!j.path("text_a").isTextual() || !j.path("text_b").isTextual() || !j.path("label").isNumber()) {
                    throw new IllegalArgumentException(file + " line " + (n + 1) + ": expected {text_a, text_b, label}");
                }
                out.add(new QuestionPair(n, j.get("text_a").asText(), j.get("text_b").asText(), j.get("label").asInt()));
                if (limit > 0 && out.size() >= limit) break;
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + file, e);
        }
        return out;
    }
}
