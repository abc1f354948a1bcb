package dev.tokenwise.gateway.provider.replay;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Answers recorded in a RouteLLM-style CSV: a {@code prompt} column and one
 * {@code <model>_response} column per model, keyed by the prompt with its whitespace normalised.
 */
public final class RecordedAnswers {
    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY).build();

    private final Path file;
    private final String column;
    private final Map<String, String> byPrompt;

    private RecordedAnswers(Path file, String column, Map<String, String> byPrompt) {
        this.file = file;
        this.column = column;
        this.byPrompt = Map.copyOf(byPrompt);
    }

    /** Loads the answers of one column; {@code column} may also be a model name ({@code <model>_response}). */
    public static RecordedAnswers load(Path file, String column) {
        String error = problem(file, column);
        if (error != null) throw new IllegalArgumentException(error);
        String col = resolveColumn(header(file), column);
        Map<String, String> m = new HashMap<>();
        CsvSchema schema = CsvSchema.emptySchema().withHeader();
        try (MappingIterator<Map<String, String>> rows = CSV.readerFor(Map.class).with(schema).readValues(file.toFile())) {
            while (rows.hasNext()) {
                Map<String, String> row = rows.next();
                String prompt = row.get("prompt");
                String answer = row.get(col);
                if (prompt != null && answer != null && !answer.isEmpty()) m.putIfAbsent(normalise(prompt), answer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return new RecordedAnswers(file, col, m);
    }

    /** What is wrong with a dataset reference (missing file, no prompt column, unknown column), or null. */
    public static String problem(Path file, String column) {
        if (!Files.isRegularFile(file)) return "file '" + file + "' does not exist";
        List<String> header;
        try {
            header = header(file);
        } catch (RuntimeException e) {
            return "file '" + file + "' is not a readable CSV: " + e.getMessage();
        }
        if (!header.contains("prompt")) return "file '" + file + "' has no 'prompt' column (columns: " + header + ")";
        if (column == null || column.isBlank()) return "no answer column given (columns: " + header + ")";
        if (resolveColumn(header, column) == null) {
            return "column '" + column + "' is not in " + file + " (columns: " + header + ")";
        }
        return null;
    }

    private static String resolveColumn(List<String> header, String column) {
        // RouteLLM files also have a column named after the model holding a correctness label,
        // so a model name means its _response column
        if (header.contains(column + "_response")) return column + "_response";
        if (header.contains(column)) return column;
        return null;
    }

    @SuppressWarnings("unchecked")
    private static List<String> header(Path file) {
        try (MappingIterator<List<String>> rows = CSV.readerFor(List.class).readValues(file.toFile())) {
            return rows.hasNext() ? rows.next() : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prompts match whatever their spacing: runs of whitespace become one space, ends are trimmed. */
    public static String normalise(String prompt) {
        return prompt.strip().replaceAll("\\s+", " ");
    }

    public Optional<String> answer(String prompt) {
        return Optional.ofNullable(byPrompt.get(normalise(prompt)));
    }

    public int size() { return byPrompt.size(); }

    public String column() { return column; }

    public Path file() { return file; }
}
