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
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

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
                Iterator<LogRecord> it = new Iterator<>() {
                    LogRecord next;
                    boolean done;
                    long row;

                    @Override
                    public boolean hasNext() {
                        try {
                            while (next == null && !done) {
                                if (!rs.next()) {
                                    done = true;
                                    break;
                                }
                                row++;
                                if (rs.getInt(8) >= 400) continue;
                                next = new LogRecord(row, Instant.ofEpochMilli(rs.getLong(1)), rs.getString(4), rs.getString(2),
                                        rs.getString(3), null, null, 0, rs.getLong(5), rs.getLong(6), rs.getLong(7), -1, false, null, 0, 0);
                            }
                        } catch (SQLException e) {
                            problems.add(file, row, "unreadable ledger row: " + e.getMessage());
                            done = true;
                        }
                        return next != null;
                    }

                    @Override
                    public LogRecord next() {
                        if (!hasNext()) throw new NoSuchElementException();
                        LogRecord r = next;
                        next = null;
                        return r;
                    }
                };
                return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, 0), false).onClose(() -> {
                    try {
                        c.close();
                    } catch (SQLException ignored) {
                        // read-only connection: nothing to lose
                    }
                });
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
