package dev.tokenwise.audit.read;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * CSV with token counts and no text, such as the Azure LLM inference traces
 * ({@code TIMESTAMP,ContextTokens,GeneratedTokens}). Recognised columns (case-insensitive):
 * time ({@code timestamp}, {@code time}, {@code ts}), input ({@code ContextTokens},
 * {@code prompt_tokens}, {@code input_tokens}), output ({@code GeneratedTokens},
 * {@code completion_tokens}, {@code output_tokens}); optional {@code model}, {@code feature},
 * {@code max_tokens}. Rows without a model are priced as {@link ReadOptions#assumeModel()}.
 */
final class TokenCsvReader implements LogReader {
    static final List<String> TIME = List.of("timestamp", "time", "ts", "starttime");
    static final List<String> IN = List.of("contexttokens", "prompt_tokens", "input_tokens");
    static final List<String> OUT = List.of("generatedtokens", "completion_tokens", "output_tokens");

    @Override
    public boolean accepts(byte[] head, List<String> firstLines) {
        if (firstLines.isEmpty()) return false;
        List<String> h = lower(Csv.splitLine(firstLines.get(0)));
        if (h.contains("request_id") && h.contains("spend")) return false; // LiteLLM export
        return index(h, IN) >= 0 && index(h, OUT) >= 0;
    }

    @Override
    public Stream<LogRecord> read(Path file, ReadOptions options, ReadProblems problems) throws IOException {
        return Csv.records(file, problems, header -> {
            List<String> h = lower(header);
            int t = index(h, TIME);
            int in = index(h, IN);
            int out = index(h, OUT);
            int model = h.indexOf("model");
            int feature = h.indexOf("feature");
            int max = h.indexOf("max_tokens");
            if (in < 0 || out < 0) {
                throw new LogFormatException(file + ": line 1: expected a CSV header with input and output token columns "
                        + "(e.g. TIMESTAMP,ContextTokens,GeneratedTokens), got: " + String.join(",", h));
            }
            return new Csv.Columns(h.size(), String.join(",", h), (line, f) -> {
                Instant time = t >= 0 ? Times.parse(f.get(t)) : Instant.EPOCH;
                String m = model >= 0 && !f.get(model).isBlank() ? f.get(model) : options.assumeModel();
                return new LogRecord(line, time, m, feature >= 0 ? f.get(feature) : null, null, null, null, 0,
                        Long.parseLong(f.get(in).strip()), 0, Long.parseLong(f.get(out).strip()),
                        max >= 0 && !f.get(max).isBlank() ? Long.parseLong(f.get(max).strip()) : -1, false, null, 0, 0);
            });
        });
    }

    static List<String> lower(List<String> l) {
        return l.stream().map(s -> s == null ? "" : s.strip().toLowerCase(Locale.ROOT)).toList();
    }

    static int index(List<String> header, List<String> names) {
        for (String n : names) {
            int i = header.indexOf(n);
            if (i >= 0) return i;
        }
        return -1;
    }
}
