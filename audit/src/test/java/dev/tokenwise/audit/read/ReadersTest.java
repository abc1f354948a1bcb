package dev.tokenwise.audit.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {
    @TempDir
    Path dir;

    static final String OPENAI_LINE = """
            {"timestamp":"2025-06-01T10:00:00Z","feature":"support-faq","user":"u1","request":{"model":"gpt-4o","max_tokens":100,\
            "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"What are your business hours?"}]},\
            "response":{"choices":[{"message":{"role":"assistant","content":"9 to 5."}}],"usage":{"prompt_tokens":25,"completion_tokens":4,\
            "prompt_tokens_details":{"cached_tokens":0}}}}""";

    private List<LogRecord> read(Path f, LogFormat format, ReadProblems problems) throws Exception {
        try (Stream<LogRecord> s = LogFormat.read(f, format, ReadOptions.DEFAULTS, problems)) {
            return s.toList();
        }
    }

    @Test
    void openai_jsonl_rows_are_normalised_and_malformed_lines_are_reported_with_their_numbers() throws Exception {
        Path f = dir.resolve("log.jsonl");
        Files.writeString(f, OPENAI_LINE + "\n{not json\n\n" + "{\"timestamp\":1717236000,\"request\":{}}\n" + OPENAI_LINE.replace("10:00:00Z", "11:00:00Z") + "\n");
        ReadProblems problems = new ReadProblems();
        List<LogRecord> rows = read(f, LogFormat.OPENAI_JSONL, problems);
        assertThat(rows).hasSize(2);
        LogRecord r = rows.get(0);
        assertThat(r.line()).isEqualTo(1);
        assertThat(r.model()).isEqualTo("gpt-4o");
        assertThat(r.feature()).isEqualTo("support-faq");
        assertThat(r.prompt()).isEqualTo("What are your business hours?");
        assertThat(r.system()).isEqualTo("Be brief.");
        assertThat(r.inputTokens()).isEqualTo(25);
        assertThat(r.outputTokens()).isEqualTo(4);
        assertThat(r.maxTokens()).isEqualTo(100);
        assertThat(r.messageCount()).isEqualTo(2);
        assertThat(r.time()).isEqualTo(Instant.parse("2025-06-01T10:00:00Z"));
        assertThat(rows.get(1).line()).isEqualTo(5);
        assertThat(rows.get(1).requestHash()).isEqualTo(r.requestHash());
        assertThat(problems.count()).isEqualTo(2);
        assertThat(problems.problems()).extracting(ReadProblems.Problem::line).containsExactly(2L, 4L);
        assertThat(problems.problems().get(0).message()).contains("not valid JSON");
        assertThat(problems.problems().get(1).message()).contains("no model");
    }

    @Test
    void token_counts_are_counted_from_text_when_the_response_has_no_usage() throws Exception {
        Path f = dir.resolve("nousage.jsonl");
        Files.writeString(f, "{\"timestamp\":\"2025-06-01T10:00:00Z\",\"request\":{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hello world\"}]},"
                + "\"response\":{\"choices\":[{\"message\":{\"content\":\"hi there\"}}]}}\n");
        List<LogRecord> rows = read(f, LogFormat.OPENAI_JSONL, new ReadProblems());
        assertThat(rows.get(0).inputTokens()).isGreaterThan(2);
        assertThat(rows.get(0).outputTokens()).isEqualTo(2);
    }

    @Test
    void the_azure_trace_is_read_as_a_token_only_log() throws Exception {
        Path azure = Shared.dir().resolve("data/traces/azure_llm_2023_conv.csv");
        ReadProblems problems = new ReadProblems();
        List<LogRecord> rows = read(azure, LogFormat.detect(azure), problems);
        assertThat(LogFormat.detect(azure)).isEqualTo(LogFormat.TOKEN_CSV);
        long dataLines;
        try (Stream<String> lines = Files.lines(azure)) {
            dataLines = lines.filter(l -> !l.isBlank()).count() - 1;
        }
        assertThat(rows.size()).isEqualTo(dataLines).isGreaterThan(19_000);
        assertThat(problems.count()).isZero();
        assertThat(rows.get(0).inputTokens()).isEqualTo(374);
        assertThat(rows.get(0).outputTokens()).isEqualTo(44);
        assertThat(rows.get(0).hasText()).isFalse();
        assertThat(rows.get(0).model()).isEqualTo("gpt-4o");
        assertThat(rows.get(0).time()).isEqualTo(Instant.parse("2023-11-16T18:15:46.680590Z"));
    }

    @Test
    void token_csv_skips_bad_rows_with_their_line_numbers() throws Exception {
        Path f = dir.resolve("t.csv");
        Files.writeString(f, "TIMESTAMP,ContextTokens,GeneratedTokens,model\n2023-11-16 18:15:46,100,10,gpt-4o-mini\n"
                + "2023-11-16 18:15:47,abc,10,gpt-4o\n2023-11-16 18:15:48,5\nyesterday,1,1,gpt-4o\n2023-11-16 18:15:49,200,20,\n");
        ReadProblems problems = new ReadProblems();
        List<LogRecord> rows = read(f, LogFormat.TOKEN_CSV, problems);
        assertThat(rows).extracting(LogRecord::inputTokens).containsExactly(100L, 200L);
        assertThat(rows).extracting(LogRecord::model).containsExactly("gpt-4o-mini", "gpt-4o");
        assertThat(problems.problems()).extracting(ReadProblems.Problem::line).containsExactly(3L, 4L, 5L);
        assertThat(problems.problems().get(1).message()).contains("expected 4 fields");
        assertThat(problems.problems().get(2).message()).contains("unreadable timestamp 'yesterday'");
    }

    @Test
    void csv_rows_the_parser_cannot_read_are_reported_with_their_first_line_and_the_rows_after_them_are_read() throws Exception {
        Path f = dir.resolve("quoted.csv");
        Files.writeString(f, "timestamp,prompt_tokens,completion_tokens,feature\r\n"
                + "2025-06-01T10:00:00Z,1,2,\"tag, with comma\"\r\n"
                + "\r\n"
                + "2025-06-01T10:00:01Z,3,4,\"say \"\"hi\"\"\nover two lines\"\r\n"
                + "2025-06-01T10:00:02Z,5,6,\"closed\"then text\r\n"
                + "2025-06-01T10:00:03Z,7,8,plain\r\n"
                + "2025-06-01T10:00:04Z,9,10,\"never closed\n");
        ReadProblems problems = new ReadProblems();
        List<LogRecord> rows = read(f, LogFormat.TOKEN_CSV, problems);
        assertThat(rows).extracting(LogRecord::line).containsExactly(2L, 4L, 7L);
        assertThat(rows).extracting(LogRecord::feature).containsExactly("tag, with comma", "say \"hi\"\nover two lines", "plain");
        assertThat(rows).extracting(LogRecord::outputTokens).containsExactly(2L, 4L, 8L);
        assertThat(problems.problems()).extracting(ReadProblems.Problem::line).containsExactly(6L, 8L);
        assertThat(problems.problems()).allSatisfy(p -> assertThat(p.message()).startsWith("unreadable CSV row: "));
        assertThat(problems.problems().get(1).message()).containsIgnoringCase("quote");
    }

    @Test
    void litellm_csv_export_with_json_columns_and_embedded_newlines_is_read() throws Exception {
        Path f = dir.resolve("spend.csv");
        String messages = "[{\"\"role\"\":\"\"user\"\",\n\"\"content\"\":\"\"line one\\nline two\"\"}]";
        Files.writeString(f, "request_id,call_type,api_key,spend,total_tokens,prompt_tokens,completion_tokens,startTime,endTime,model,user,metadata,cache_hit,request_tags,messages,response\n"
                + "r1,acompletion,hash,0.001,30,20,10,2025-06-01T10:00:00.000Z,2025-06-01T10:00:01.000Z,gpt-4o,alice,{},False,\"[\"\"triage\"\"]\",\"" + messages + "\",{}\n"
                + "r2,acompletion,hash,0.001,x,notanumber,10,2025-06-01T10:00:00Z,2025-06-01T10:00:01Z,gpt-4o,bob,{},False,[],{},{}\n"
                + "r3,acompletion,hash,0.002,40,30,10,2025-06-01 10:05:00,2025-06-01 10:05:01,claude-3-haiku,,{},False,[],{},{}\n");
        ReadProblems problems = new ReadProblems();
        assertThat(LogFormat.detect(f)).isEqualTo(LogFormat.LITELLM);
        List<LogRecord> rows = read(f, LogFormat.LITELLM, problems);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).prompt()).isEqualTo("line one\nline two");
        assertThat(rows.get(0).feature()).isEqualTo("triage");
        assertThat(rows.get(0).user()).isEqualTo("alice");
        assertThat(rows.get(0).inputTokens()).isEqualTo(20);
        assertThat(rows.get(1).line()).isEqualTo(5);
        assertThat(rows.get(1).hasText()).isFalse();
        assertThat(rows.get(1).model()).isEqualTo("claude-3-haiku");
        assertThat(problems.problems()).extracting(ReadProblems.Problem::line).containsExactly(4L);
    }

    @Test
    void litellm_json_array_and_json_lines_are_read() throws Exception {
        String row = "{\"request_id\":\"r1\",\"call_type\":\"acompletion\",\"spend\":0.1,\"prompt_tokens\":50,\"completion_tokens\":5,"
                + "\"startTime\":\"2025-06-01T10:00:00Z\",\"model\":\"gpt-4o\",\"metadata\":{\"tags\":[\"nightly-etl\"]},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Classify: spam?\"}],\"response\":{\"choices\":[{\"message\":{\"content\":\"spam\"}}]}}";
        Path arr = dir.resolve("spend.json");
        Files.writeString(arr, "[\n" + row + ",\n{\"request_id\":\"r2\"},\n" + row + "\n]\n");
        ReadProblems problems = new ReadProblems();
        assertThat(LogFormat.detect(arr)).isEqualTo(LogFormat.LITELLM);
        List<LogRecord> rows = read(arr, LogFormat.LITELLM, problems);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).feature()).isEqualTo("nightly-etl");
        assertThat(rows.get(0).answer()).isEqualTo("spam");
        assertThat(problems.problems()).singleElement().satisfies(p -> assertThat(p.line()).isEqualTo(3));
        Path jl = dir.resolve("spend.jsonl");
        Files.writeString(jl, row + "\n" + row + "\n");
        assertThat(LogFormat.detect(jl)).isEqualTo(LogFormat.LITELLM);
        assertThat(read(jl, LogFormat.LITELLM, new ReadProblems())).hasSize(2);
    }

    @Test
    void the_tokenwise_ledger_is_read_from_its_sqlite_file() throws Exception {
        Path db = dir.resolve("ledger.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = c.createStatement();
             InputStream schema = getClass().getResourceAsStream("/dev/tokenwise/gateway/ledger/schema.sql")) {
            String sql = new String(schema.readAllBytes(), StandardCharsets.UTF_8).replaceAll("(?m)--.*$", "");
            for (String stmt : sql.split(";")) {
                if (!stmt.isBlank()) s.execute(stmt);
            }
            s.execute("INSERT INTO requests VALUES ('a', 1717236000000, 'k1', 't', 'support', 'gpt-4o', 'gpt-4o-mini', 'mock', 100, 10, 20, "
                    + "0.001, 0.002, 0.001, 'routing', 'miss', 10, -1, 200, NULL)");
            s.execute("INSERT INTO requests VALUES ('b', 1717236001000, 'k1', 't', 'support', 'gpt-4o', NULL, NULL, 0, 0, 0, "
                    + "0, 0, 0, '', 'miss', 1, -1, 429, 'rate_limited')");
        }
        assertThat(LogFormat.detect(db)).isEqualTo(LogFormat.LEDGER);
        List<LogRecord> rows = read(db, LogFormat.LEDGER, new ReadProblems());
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.model()).isEqualTo("gpt-4o");
            assertThat(r.feature()).isEqualTo("support");
            assertThat(r.inputTokens()).isEqualTo(100);
            assertThat(r.cachedTokens()).isEqualTo(10);
            assertThat(r.hasText()).isFalse();
        });
    }

    @Test
    void a_file_in_no_known_format_fails_with_the_line_and_what_was_expected() throws Exception {
        Path f = dir.resolve("notes.txt");
        Files.writeString(f, "hello, this is not a log\n");
        assertThatThrownBy(() -> LogFormat.detect(f)).isInstanceOf(LogFormatException.class)
                .hasMessageContaining("notes.txt: line 1: not a log format")
                .hasMessageContaining("openai-jsonl").hasMessageContaining("litellm").hasMessageContaining("token-csv")
                .hasMessageContaining("ledger").hasMessageContaining("got: hello, this is not a log");
        Path sqlite = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + sqlite); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE x (a INT)");
        }
        assertThatThrownBy(() -> read(sqlite, LogFormat.detect(sqlite), new ReadProblems()))
                .isInstanceOf(LogFormatException.class).hasMessageContaining("not a tokenwise ledger");
        assertThatThrownBy(() -> LogFormat.byId("parquet")).hasMessageContaining("unknown --format 'parquet'");
    }

    @Test
    void formats_are_detected_from_the_first_lines() throws Exception {
        Path o = dir.resolve("a.log");
        Files.writeString(o, OPENAI_LINE + "\n");
        assertThat(LogFormat.detect(o)).isEqualTo(LogFormat.OPENAI_JSONL);
        Path t = dir.resolve("b.csv");
        Files.writeString(t, "timestamp,prompt_tokens,completion_tokens\n1717236000,1,2\n");
        assertThat(LogFormat.detect(t)).isEqualTo(LogFormat.TOKEN_CSV);
    }
}
