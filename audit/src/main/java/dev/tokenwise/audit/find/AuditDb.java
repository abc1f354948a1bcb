package dev.tokenwise.audit.find;

import dev.tokenwise.audit.read.LogRecord;
import dev.tokenwise.core.cache.HitVerifier;
import dev.tokenwise.gateway.cache.Embedder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The audit's analytics store: normalised rows loaded into an embedded DuckDB (a temporary file,
 * so a large log spills to disk instead of memory) through the Appender, with per-row prices,
 * task type, model tier and near-duplicate cluster, ready for the findings' SQL.
 */
public final class AuditDb implements AutoCloseable {
    /** Prompt and answer text kept per row (examples and the rating sample need no more). */
    public static final int TEXT_LIMIT = 4000;

    private final Path dir;
    private final DuckDBConnection conn;
    private final Pricer pricer;
    private final TaskClassifier classifier = new TaskClassifier();
    private long rows;
    private NearDuplicates.Stats nearStats = NearDuplicates.Stats.NONE;

    private AuditDb(Path dir, DuckDBConnection conn, Pricer pricer) {
        this.dir = dir;
        this.conn = conn;
        this.pricer = pricer;
    }

    /** A fresh store in a new temporary directory (removed on close). */
    public static AuditDb create(Pricer pricer) {
        try {
            Path dir = Files.createTempDirectory("tokenwise-audit");
            DuckDBConnection c = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("audit.duckdb"));
            try (Statement s = c.createStatement()) {
                s.execute("SET memory_limit='768MB'");
                s.execute("SET threads=2");
                s.execute("SET preserve_insertion_order=false");
                s.execute("SET temp_directory='" + dir.resolve("spill") + "'");
                s.execute("""
                        CREATE TABLE requests (
                          idx BIGINT, ts_ms BIGINT, model VARCHAR, feature VARCHAR, usr VARCHAR, has_text BOOLEAN,
                          req_hash BIGINT, near_key BIGINT, system_hash BIGINT, system_tokens BIGINT, msg_count INTEGER,
                          input BIGINT, cached BIGINT, output BIGINT, max_tokens BIGINT, stream BOOLEAN,
                          task VARCHAR, tier VARCHAR, small_model VARCHAR,
                          in_price DOUBLE, cached_price DOUBLE, out_price DOUBLE, cost DOUBLE, cost_small DOUBLE,
                          prompt VARCHAR, answer VARCHAR)""");
            }
            return new AuditDb(dir, c, pricer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot start the embedded DuckDB: " + e.getMessage(), e);
        }
    }

    public Connection connection() { return conn; }

    public Pricer pricer() { return pricer; }

    public long rows() { return rows; }

    /** Appends every record of the stream; {@code progress} hears the running row count now and then. */
    public void load(Stream<LogRecord> records, LongConsumer progress) {
        try (DuckDBAppender app = conn.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "requests")) {
            var it = records.iterator();
            List<LogRecord> batch = new ArrayList<>(BATCH);
            while (it.hasNext()) {
                batch.add(it.next());
                if (batch.size() == BATCH || !it.hasNext()) {
                    // derive task type, fingerprints and prices on both cores; append in order
                    Derived[] d = new Derived[batch.size()];
                    List<LogRecord> b = batch;
                    java.util.stream.IntStream.range(0, b.size()).parallel().forEach(i -> d[i] = derive(b.get(i)));
                    for (int i = 0; i < b.size(); i++) {
                        append(app, b.get(i), d[i]);
                        if (++rows % 10_000 == 0) progress.accept(rows);
                    }
                    batch = new ArrayList<>(BATCH);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("loading rows into DuckDB failed: " + e.getMessage(), e);
        }
        progress.accept(rows);
    }

    private static final int BATCH = 4096;

    /** What the store derives from a record before appending it. */
    private record Derived(TaskType task, String tier, String small, Pricer.Rates p, Pricer.Rates ps, Long nearKey, Long systemHash) {}

    private Derived derive(LogRecord r) {
        String small = ModelTiers.smallFor(r.model());
        return new Derived(classifier.classify(r.prompt(), r.system(), r.messageCount()), ModelTiers.tier(r.model()), small,
                pricer.rates(r.model()), pricer.rates(small), nearCandidate(r) ? dev.tokenwise.audit.read.Hash64.of(MinHash.normalise(r.prompt())) : null,
                r.system() != null ? dev.tokenwise.audit.read.Hash64.of(r.system()) : null);
    }

    private void append(DuckDBAppender a, LogRecord r, Derived d) throws SQLException {
        TaskType task = d.task();
        String tier = d.tier();
        String small = d.small();
        Pricer.Rates p = d.p();
        Pricer.Rates ps = d.ps();
        a.beginRow();
        a.append(rows);
        a.append(r.time().toEpochMilli());
        a.append(r.model());
        a.append(r.feature());
        str(a, r.user());
        a.append(r.hasText());
        a.append(r.requestHash());
        if (d.nearKey() != null) a.append(d.nearKey()); else a.appendNull();
        if (d.systemHash() != null) a.append(d.systemHash()); else a.appendNull();
        a.append(r.systemTokens());
        a.append(r.messageCount());
        a.append(r.inputTokens());
        a.append(r.cachedTokens());
        a.append(r.outputTokens());
        if (r.maxTokens() > 0) a.append(r.maxTokens()); else a.appendNull();
        a.append(r.stream());
        a.append(task.id());
        a.append(tier);
        a.append(small);
        a.append(p.input());
        a.append(p.cachedInput());
        a.append(p.output());
        a.append(p.cost(r.inputTokens(), r.cachedTokens(), r.outputTokens()));
        a.append(ps.cost(r.inputTokens(), 0, r.outputTokens()));
        str(a, cut(r.prompt()));
        str(a, cut(r.answer()));
        a.endRow();
    }

    /**
     * Semantic-cache candidates are short single-turn questions without numbers: a templated
     * prompt that differs only in an order number or a pasted ticket must never share an answer.
     */
    static boolean nearCandidate(LogRecord r) {
        if (!r.hasText() || r.messageCount() > 3 || r.prompt().length() < 8 || r.prompt().length() > 300) return false;
        String p = r.prompt();
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (Character.isDigit(c)) return false;
            boolean letter = Character.isLetter(c);
            if (letter && !inWord) words++;
            inWord = letter;
        }
        return words <= MAX_FAQ_WORDS;
    }

    /** Longest prompt (in words) treated as a possible static FAQ. */
    static final int MAX_FAQ_WORDS = 30;

    private static void str(DuckDBAppender a, String s) throws SQLException {
        if (s == null) a.appendNull(); else a.append(s);
    }

    private static String cut(String s) {
        return s == null || s.length() <= TEXT_LIMIT ? s : s.substring(0, TEXT_LIMIT);
    }

    /**
     * Groups near-duplicate prompts (MinHash LSH over the distinct normalised prompts, confirmed with the
     * semantic cache's embedding model and verifier, see {@link NearDuplicates}) into a
     * {@code near} table of fingerprint and group; rows without a fingerprint get none.
     */
    public void clusterNearDuplicates() {
        clusterNearDuplicates(new NearDuplicates(Embedder::miniLm, HitVerifier.bundled()));
    }

    public void clusterNearDuplicates(NearDuplicates near) {
        try (Statement s = conn.createStatement()) {
            List<NearDuplicates.Prompt> prompts = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT near_key, any_value(prompt), count(*) FROM requests WHERE near_key IS NOT NULL "
                    + "GROUP BY near_key ORDER BY near_key")) {
                while (rs.next()) prompts.add(new NearDuplicates.Prompt(rs.getLong(1), rs.getString(2), rs.getLong(3)));
            }
            NearDuplicates.Result r = near.confirm(prompts);
            nearStats = r.stats();
            s.execute("CREATE TABLE near (near_key BIGINT, cluster BIGINT)");
            try (DuckDBAppender a = conn.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "near")) {
                for (Map.Entry<Long, Long> e : r.clusters().entrySet()) {
                    a.beginRow();
                    a.append(e.getKey());
                    a.append(e.getValue());
                    a.endRow();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("near-duplicate clustering failed: " + e.getMessage(), e);
        }
    }

    /** Lowers the store's memory limit for the small queries left after loading and the findings. */
    public void shrink() {
        try (Statement s = conn.createStatement()) {
            s.execute("SET memory_limit='" + SMALL_MEMORY + "'");
        } catch (SQLException e) {
            throw new IllegalStateException("lowering DuckDB's memory limit failed: " + e.getMessage(), e);
        }
    }

    private static final String SMALL_MEMORY = "128MB";

    /** What near-duplicate confirmation did ({@link NearDuplicates.Stats#NONE} before it ran). */
    public NearDuplicates.Stats nearStats() { return nearStats; }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (SQLException ignored) {
            // the store is temporary; deleting it below is what matters
        }
        try (Stream<Path> w = Files.walk(dir)) {
            w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover temp dir is harmless
        }
    }
}
