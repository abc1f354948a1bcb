package dev.tokenwise.core.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import dev.tokenwise.core.wire.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads routing datasets. Two shapes are accepted:
 * <ul>
 *   <li>RouteLLM format: {@code prompt,<weak>,<strong>[,<weak>_response,<strong>_response]} with
 *   {@code True}/{@code False} model columns, one CSV per subject in a directory, plus an optional
 *   {@code contaminated_prompts.jsonl} whose {@code eval_prompt}s are excluded;</li>
 *   <li>a rating sample: {@code prompt,weak_ok,strong_ok} (true/false, yes/no or 1/0), as the audit
 *   produces from rating real requests.</li>
 * </ul>
 * The subject of a RouteLLM file is its name without {@code .csv} (and without a {@code mmlu_} prefix).
 */
public final class RoutingData {
    public static final String DEFAULT_WEAK = "mistralai/Mixtral-8x7B-Instruct-v0.1";
    public static final String DEFAULT_STRONG = "gpt-4-1106-preview";
    public static final String CONTAMINATED = "contaminated_prompts.jsonl";

    private RoutingData() {}

    /** Every rated prompt in a directory of CSVs (or one CSV file), contaminated prompts removed. */
    public static List<LabelledPrompt> load(Path dirOrFile, String weakColumn, String strongColumn) {
        List<Path> files;
        Set<String> contaminated = new HashSet<>();
        if (Files.isDirectory(dirOrFile)) {
            try (Stream<Path> s = Files.list(dirOrFile)) {
                files = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path c = dirOrFile.resolve(CONTAMINATED);
            if (Files.isRegularFile(c)) contaminated = contaminated(c);
        } else if (Files.isRegularFile(dirOrFile)) {
            files = List.of(dirOrFile);
        } else {
            throw new IllegalArgumentException("no such file or directory: " + dirOrFile);
        }
        if (files.isEmpty()) throw new IllegalArgumentException("no .csv files in " + dirOrFile);
        List<LabelledPrompt> all = new ArrayList<>();
        for (Path f : files) all.addAll(readCsv(f, weakColumn, strongColumn, contaminated));
        return List.copyOf(all);
    }

    static Set<String> contaminated(Path jsonl) {
        Set<String> out = new HashSet<>();
        try {
            for (String line : Files.readAllLines(jsonl)) {
                if (line.isBlank()) continue;
                JsonNode n = Json.MAPPER.readTree(line);
                if (n.hasNonNull("eval_prompt")) out.add(n.get("eval_prompt").asText().strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jsonl + ": " + e.getMessage(), e);
        }
        return out;
    }

    static List<LabelledPrompt> readCsv(Path file, String weakColumn, String strongColumn, Set<String> contaminated) {
        String name = file.getFileName().toString().replaceFirst("(?i)\\.csv$", "").replaceFirst("^mmlu_", "");
        CsvMapper mapper = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);
        List<LabelledPrompt> out = new ArrayList<>();
        try (MappingIterator<String[]> it = mapper.readerFor(String[].class).readValues(file.toFile())) {
            if (!it.hasNext()) return out;
            String[] header = it.next();
            int prompt = index(header, "prompt");
            if (prompt < 0) throw new IllegalArgumentException(file + ": no 'prompt' column (header: " + String.join(",", header) + ")");
            int weak = index(header, weakColumn);
            int strong = index(header, strongColumn);
            if (weak < 0 || strong < 0) {
                weak = index(header, "weak_ok");
                strong = index(header, "strong_ok");
            }
            if (weak < 0 || strong < 0) {
                throw new IllegalArgumentException(file + ": needs columns '" + weakColumn + "' and '" + strongColumn
                        + "' (RouteLLM format) or 'weak_ok' and 'strong_ok' (rating sample); header: " + String.join(",", header));
            }
            int weakResp = index(header, header[weak] + "_response");
            int strongResp = index(header, header[strong] + "_response");
            int row = 1;
            while (it.hasNext()) {
                String[] r = it.next();
                row++;
                if (r.length <= Math.max(prompt, Math.max(weak, strong))) {
                    if (r.length == 1 && r[0].isBlank()) continue;
                    throw new IllegalArgumentException(file + " row " + row + ": expected " + header.length + " columns, got " + r.length);
                }
                if (contaminated.contains(r[prompt].strip())) continue;
                out.add(new LabelledPrompt(r[prompt], name, bool(r[weak], file, row), bool(r[strong], file, row),
                        weakResp >= 0 && weakResp < r.length ? r[weakResp] : null,
                        strongResp >= 0 && strongResp < r.length ? r[strongResp] : null));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static int index(String[] header, String col) {
        for (int i = 0; i < header.length; i++) if (header[i].strip().equalsIgnoreCase(col)) return i;
        return -1;
    }

    private static boolean bool(String v, Path file, int row) {
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "y", "1.0" -> true;
            case "false", "0", "no", "n", "0.0" -> false;
            default -> throw new IllegalArgumentException(file + " row " + row + ": '" + v + "' is not true/false");
        };
    }
}
