package dev.tokenwise.audit;

import dev.tokenwise.audit.find.AuditDb;
import dev.tokenwise.audit.find.Finding;
import dev.tokenwise.audit.find.Findings;
import dev.tokenwise.audit.find.Pricer;
import dev.tokenwise.audit.read.LogFormat;
import dev.tokenwise.audit.read.LogRecord;
import dev.tokenwise.audit.read.ReadProblems;
import dev.tokenwise.audit.report.RatingSample;
import dev.tokenwise.audit.report.RecommendedConfig;
import dev.tokenwise.audit.simulate.Plan;
import dev.tokenwise.audit.simulate.Simulation;
import dev.tokenwise.core.pricing.PriceCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;

/**
 * A log audit: reads one or more logs into the analytics store, finds the waste, replays the log
 * through the recommended configuration and produces an {@link AuditReport}. Close it to remove
 * the store.
 *
 * <pre>{@code
 * try (Audit a = Audit.load(List.of(Path.of("requests.jsonl")), AuditOptions.defaults(), Progress.NONE)) {
 *     AuditReport r = a.report();
 * }
 * }</pre>
 */
public final class Audit implements AutoCloseable {
    private final AuditDb db;
    private final List<AuditReport.Source> sources;
    private final ReadProblems problems;
    private final Progress progress;
    private final String sheet;

    private Audit(AuditDb db, List<AuditReport.Source> sources, ReadProblems problems, Progress progress, String sheet) {
        this.db = db;
        this.sources = sources;
        this.problems = problems;
        this.progress = progress;
        this.sheet = sheet;
    }

    /** Reads every file (format detected per file unless given); malformed lines are reported, not fatal. */
    public static Audit load(List<Path> files, AuditOptions options, Progress progress) {
        if (files.isEmpty()) throw new IllegalArgumentException("no log files given");
        for (Path f : files) {
            if (!Files.isRegularFile(f)) throw new IllegalArgumentException("log file not found: " + f);
        }
        PriceCatalog catalog = PriceCatalog.bundled(options.priceSheet());
        AuditDb db = AuditDb.create(new Pricer(catalog));
        ReadProblems problems = new ReadProblems();
        List<AuditReport.Source> sources = new ArrayList<>();
        try {
            for (Path f : files) {
                LogFormat format = options.format() != null ? options.format() : LogFormat.detect(f);
                long before = db.rows();
                progress.phase("reading " + f.getFileName() + " (" + format.id() + ")", -1);
                try (Stream<LogRecord> s = LogFormat.read(f, format, options.read(), problems)) {
                    db.load(s, n -> progress.update(n));
                }
                sources.add(new AuditReport.Source(f.toString(), format.id(), db.rows() - before));
            }
            progress.phase("finding near-duplicates", -1);
            db.clusterNearDuplicates();
        } catch (IOException e) {
            db.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return new Audit(db, sources, problems, progress, catalog.sheet());
    }

    public ReadProblems problems() { return problems; }

    /** Findings, the savings replay and the recommended configuration. */
    public AuditReport report() {
        try (Statement s = db.connection().createStatement()) {
            long requests;
            long minTs;
            long maxTs;
            double cost;
            long in;
            long out;
            boolean text;
            try (ResultSet rs = s.executeQuery("SELECT count(*), min(ts_ms), max(ts_ms), coalesce(sum(cost),0), coalesce(sum(input),0), "
                    + "coalesce(sum(output),0), bool_or(has_text) FROM requests")) {
                rs.next();
                requests = rs.getLong(1);
                minTs = rs.getLong(2);
                maxTs = rs.getLong(3);
                cost = rs.getDouble(4);
                in = rs.getLong(5);
                out = rs.getLong(6);
                text = rs.getBoolean(7);
            }
            double spanDays = (maxTs - minTs) / 86_400_000.0;
            double monthFactor = monthFactor(maxTs - minTs);
            progress.phase("findings", -1);
            List<Finding> findings = new Findings(db, monthFactor).all();
            Plan plan = Plan.recommend(db, findings);
            progress.phase("replaying the log", Simulation.passes(plan));
            Simulation simulation = Simulation.of(db);
            db.shrink(); // the replay holds its rows in the JVM: give the store's buffers back
            Simulation.Result sim = simulation.run(plan, monthFactor, progress::update);
            String bucket = spanDays >= 2 ? "day" : "hour";
            List<AuditReport.Spend> byModel = spend(s, "model", cost, monthFactor);
            List<AuditReport.Spend> byFeature = spend(s, "feature", cost, monthFactor);
            List<AuditReport.Point> points = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT strftime(date_trunc('" + bucket + "', epoch_ms(ts_ms)), '%Y-%m-%dT%H:%M:%SZ') b, model, "
                    + "sum(cost) FROM requests GROUP BY ALL ORDER BY b, model")) {
                while (rs.next()) points.add(new AuditReport.Point(rs.getString(1), rs.getString(2), rs.getDouble(3)));
            }
            List<String> probs = problems.problems().stream().limit(20).map(Object::toString).toList();
            String yaml = RecommendedConfig.yaml(plan, byModel.stream().map(AuditReport.Spend::name).toList(), sim, sheet);
            progress.done();
            return new AuditReport(sources, requests, problems.count(), probs, sheet,
                    List.copyOf(new java.util.TreeSet<>(db.pricer().unknownModels())),
                    requests == 0 ? null : Instant.ofEpochMilli(minTs).toString(),
                    requests == 0 ? null : Instant.ofEpochMilli(maxTs).toString(), spanDays, monthFactor, text, cost,
                    cost * monthFactor, in, out, byModel, byFeature, bucket, points, findings, sim, yaml);
        } catch (SQLException e) {
            throw new IllegalStateException("an audit query failed: " + e.getMessage(), e);
        }
    }

    /** Writes the stratified rating sample (see {@link RatingSample}). */
    public long writeSample(int size, Path out, RandomGenerator random) {
        return RatingSample.write(db, size, out, random.nextLong());
    }

    /** 30 days over the log's span; 1 when the span is zero (a single instant). */
    static double monthFactor(long spanMs) {
        return spanMs <= 0 ? 1 : 30 * 86_400_000.0 / spanMs;
    }

    private static List<AuditReport.Spend> spend(Statement s, String column, double total, double monthFactor) throws SQLException {
        List<AuditReport.Spend> out = new ArrayList<>();
        try (ResultSet rs = s.executeQuery("SELECT " + column + ", count(*), sum(input + output), sum(cost) c FROM requests "
                + "GROUP BY 1 ORDER BY c DESC, 1")) {
            while (rs.next()) {
                double c = rs.getDouble(4);
                out.add(new AuditReport.Spend(rs.getString(1), rs.getLong(2), rs.getLong(3), c, c * monthFactor, total == 0 ? 0 : c / total));
            }
        }
        return out;
    }

    @Override
    public void close() {
        db.close();
    }
}
