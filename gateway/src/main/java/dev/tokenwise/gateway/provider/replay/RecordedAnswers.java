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
 * The file may also be a directory: every {@code .csv} in it is read (RouteLLM ships one per
 * subject), the first answer for a prompt wins.
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
        Map<String, String> m = new HashMap<>();
        String first = null;
        for (Path f : csvFiles(file)) {
            String col = resolveColumn(header(f), column);
            if (first == null) first = col;
            CsvSchema schema = CsvSchema.emptySchema().withHeader();
            try (MappingIterator<Map<String, String>> rows = CSV.readerFor(Map.class).with(schema).readValues(f.toFile())) {
                while (rows.hasNext()) {
                    Map<String, String> row = rows.next();
                    String prompt = row.get("prompt");
                    String answer = row.get(col);
                    if (prompt != null && answer != null && !answer.isEmpty()) m.putIfAbsent(normalise(prompt), answer);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
            }
        }
        return new RecordedAnswers(file, first, m);
    }

    /** The CSVs a dataset reference names: the file itself, or a directory's {@code .csv} files in name order. */
    private static List<Path> csvFiles(Path file) {
        if (!Files.isDirectory(file)) return List.of(file);
        try (var files = Files.list(file)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".csv") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + file + ": " + e.getMessage(), e);
        }
    }

    /** What is wrong with a dataset reference (missing file, no prompt column, unknown column), or null. */
    public static String problem(Path file, String column) {
        if (!Files.isRegularFile(file) && !Files.isDirectory(file)) return "file '" + file + "' does not exist";
        List<Path> files;
        try {
            files = csvFiles(file);
        } catch (UncheckedIOException e) {
            return e.getMessage();
        }
        if (files.isEmpty()) return "directory '" + file + "' has no .csv files";
        for (Path f : files) {
            String problem = fileProblem(f, column);
            if (problem != null) return problem;
        }
        return null;
    }

    private static String fileProblem(Path file, String column) {
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
