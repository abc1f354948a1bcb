package dev.tokenwise.audit.report;

import dev.tokenwise.audit.find.AuditDb;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The seed's rating audit: "take 500 random production requests, have humans rate whether a
 * smaller model's output was acceptable". Writes a stratified random sample (by task type and
 * model, proportional, at least one per stratum, seeded) of the requests that carry text as CSV:
 * {@code prompt,task_type,model,small_model,large_answer,small_answer,weak_ok,strong_ok}. Raters
 * fill {@code small_answer} (by running {@code small_model}) and the verdicts
 * {@code weak_ok}/{@code strong_ok} (true/false); {@code tokenwise router train} reads those
 * columns as labels.
 */
public final class RatingSample {
    public static final List<String> COLUMNS = List.of("prompt", "task_type", "model", "small_model", "large_answer",
            "small_answer", "weak_ok", "strong_ok");

    private RatingSample() {}

    /** @return rows written */
    public static long write(AuditDb db, int size, Path out, long seed) {
        if (size < 1) throw new IllegalArgumentException("--sample must be at least 1, was " + size);
        try (Statement s = db.connection().createStatement()) {
            Map<String, Long> strata = new LinkedHashMap<>();
            long total = 0;
            try (ResultSet rs = s.executeQuery("SELECT task, model, count(*) FROM requests WHERE has_text GROUP BY ALL ORDER BY 1, 2")) {
                while (rs.next()) {
                    strata.put(rs.getString(1) + '\u0000' + rs.getString(2), rs.getLong(3));
                    total += rs.getLong(3);
                }
            }
            if (total == 0) throw new IllegalArgumentException("the log carries no prompt text: there is nothing to rate");
            Map<String, Long> quota = quotas(strata, Math.min(size, total));
            s.execute("CREATE OR REPLACE TEMP TABLE quota (task VARCHAR, model VARCHAR, q BIGINT)");
            try (PreparedStatement ps = db.connection().prepareStatement("INSERT INTO quota VALUES (?, ?, ?)")) {
                for (Map.Entry<String, Long> e : quota.entrySet()) {
                    String[] k = e.getKey().split("\u0000", 2);
                    ps.setString(1, k[0]);
                    ps.setString(2, k[1]);
                    ps.setLong(3, e.getValue());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            String sql = "SELECT prompt, task, model, small_model, answer FROM (SELECT r.*, q.q, row_number() OVER "
                    + "(PARTITION BY r.task, r.model ORDER BY hash(r.idx + " + seed + "), r.idx) rn FROM requests r JOIN quota q "
                    + "USING (task, model) WHERE r.has_text) WHERE rn <= q ORDER BY task, model, rn";
            long n = 0;
            try (ResultSet rs = s.executeQuery(sql); BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                w.write(String.join(",", COLUMNS));
                w.write("\n");
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= 5; i++) row.add(rs.getString(i));
                    row.add("");
                    row.add("");
                    row.add("");
                    w.write(csvLine(row));
                    n++;
                }
            }
            return n;
        } catch (SQLException e) {
            throw new IllegalStateException("sampling failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Proportional quotas with at least one per stratum, trimmed from the largest to the exact size. */
    static Map<String, Long> quotas(Map<String, Long> strata, long size) {
        long total = strata.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Long> q = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : strata.entrySet()) {
            q.put(e.getKey(), Math.min(e.getValue(), Math.max(1, Math.round((double) size * e.getValue() / total))));
        }
        long sum = q.values().stream().mapToLong(Long::longValue).sum();
        while (sum > size) {
            String biggest = q.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            q.merge(biggest, -1L, Long::sum);
            if (q.get(biggest) == 0) q.remove(biggest);
            sum--;
        }
        while (sum < size) {
            String room = null;
            for (Map.Entry<String, Long> e : q.entrySet()) {
                if (e.getValue() < strata.get(e.getKey()) && (room == null || strata.get(e.getKey()) - e.getValue()
                        > strata.get(room) - q.get(room))) {
                    room = e.getKey();
                }
            }
            if (room == null) break;
            q.merge(room, 1L, Long::sum);
            sum++;
        }
        return q;
    }

    static String csvLine(List<String> fields) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) sb.append(',');
            String f = fields.get(i) == null ? "" : fields.get(i);
            if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) {
                sb.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(f);
            }
        }
        return sb.append('\n').toString();
    }
}
