package dev.tokenwise.audit.read;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every log format the audit reads, registered in one place (constructor references, in
 * detection order). Adding a format is one reader class and one line here.
 */
public enum LogFormat {
    /** tokenwise's own ledger (SQLite). */
    LEDGER("ledger", "a tokenwise ledger (SQLite file with a 'requests' table)", LedgerReader::new),
    /** OpenAI request/response JSON lines. */
    OPENAI_JSONL("openai-jsonl", "JSON lines {\"timestamp\", \"request\": {...}, \"response\": {...}}", OpenAiJsonlReader::new),
    /** LiteLLM spend logs (JSON array, JSON lines or CSV). */
    LITELLM("litellm", "LiteLLM spend logs (JSON or CSV with request_id, call_type, spend, prompt_tokens, ...)", LiteLlmReader::new),
    /** CSV with token counts (Azure traces). */
    TOKEN_CSV("token-csv", "CSV with token columns (e.g. TIMESTAMP,ContextTokens,GeneratedTokens)", TokenCsvReader::new);

    private final String id;
    private final String expected;
    private final Supplier<LogReader> factory;

    LogFormat(String id, String expected, Supplier<LogReader> factory) {
        this.id = id;
        this.expected = expected;
        this.factory = factory;
    }

    /** The name used by {@code --format}. */
    public String id() { return id; }

    public LogReader reader() { return factory.get(); }

    public static LogFormat byId(String id) {
        for (LogFormat f : values()) if (f.id.equals(id.toLowerCase(Locale.ROOT))) return f;
        throw new LogFormatException("unknown --format '" + id + "' (one of: " + ids() + ")");
    }

    public static String ids() {
        return Arrays.stream(values()).map(LogFormat::id).collect(Collectors.joining(", "));
    }

    /** Finds the format of a file from its first bytes and lines, or fails naming what was expected. */
    public static LogFormat detect(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(64 * 1024);
        }
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new ByteArrayInputStream(head), StandardCharsets.UTF_8))) {
            String l;
            while ((l = r.readLine()) != null && lines.size() < 5) {
                if (!l.isBlank()) lines.add(l);
            }
        }
        if (head.length == 64 * 1024 && !lines.isEmpty()) {
            // the last line read from a truncated head may be cut; keep only the first line then
            lines = lines.subList(0, 1);
        }
        for (LogFormat f : values()) {
            if (f.reader().accepts(head, lines)) return f;
        }
        String got = lines.isEmpty() ? "(empty file)" : snippet(lines.get(0));
        throw new LogFormatException(file + ": line 1: not a log format tokenwise reads; expected one of:\n"
                + Arrays.stream(values()).map(f -> "  - " + f.id + ": " + f.expected).collect(Collectors.joining("\n"))
                + "\ngot: " + got);
    }

    /** Reads a file lazily in the given format (close the stream). */
    public static Stream<LogRecord> read(Path file, LogFormat format, ReadOptions options, ReadProblems problems) throws IOException {
        return format.reader().read(file, options, problems);
    }

    private static String snippet(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
