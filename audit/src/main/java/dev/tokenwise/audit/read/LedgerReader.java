package dev.tokenwise.audit.read;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * tokenwise's own ledger: the SQLite file the gateway writes (table {@code requests}, see the
 * gateway's {@code ledger/schema.sql}). The ledger keeps tokens, models and features but no text,
 * so text findings are not applicable. The {@code requested_model} is audited: the question is what
 * the client asked for. Failed requests (status >= 400) are skipped.
 */
final class LedgerReader implements LogReader {
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    @Override
    public boolean accepts(byte[] head, List<String> firstLines) {
        return head.length >= MAGIC.length && Arrays.equals(Arrays.copyOf(head, MAGIC.length), MAGIC);
    }

    @Override
    public Stream<LogRecord> read(Path file, ReadOptions options, ReadProblems problems) throws IOException {
        try {
            Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + file.toAbsolutePath() + "?mode=ro");
            try {
                PreparedStatement s = c.prepareStatement(
                        "SELECT ts_ms, feature, key_id, requested_model, input_tokens, cached_tokens, output_tokens, status "
                                + "FROM requests ORDER BY ts_ms");
                ResultSet rs = s.executeQuery();
                long[] row = {0};
                return RowStream.of(emit -> {
                    try {
                        if (!rs.next()) return false;
                        row[0]++;
                        if (rs.getInt(8) < 400) {
                            emit.accept(new LogRecord(row[0], Instant.ofEpochMilli(rs.getLong(1)), rs.getString(4), rs.getString(2),
                                    rs.getString(3), null, null, 0, rs.getLong(5), rs.getLong(6), rs.getLong(7), -1, false, null, 0, 0));
                        }
                        return true;
                    } catch (SQLException e) {
                        problems.add(file, row[0], "unreadable ledger row: " + e.getMessage());
                        return false;
                    }
                }, c);
            } catch (SQLException e) {
                c.close();
                throw new LogFormatException(file + ": a SQLite file, but not a tokenwise ledger (expected a 'requests' table "
                        + "as in ledger/schema.sql): " + e.getMessage());
            }
        } catch (SQLException e) {
            throw new IOException("cannot open ledger " + file + ": " + e.getMessage(), e);
        }
    }
}
