package dev.tokenwise.gateway.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Batch jobs in the key store's database (the SQLite file under the data directory, or the
 * PostgreSQL server replicas share), as one JSON document per job in {@code batch_jobs}. Each row
 * names the gateway that runs the job (its node id, kept in {@code <data_dir>/node-id}), so a
 * gateway reads back only its own jobs and never takes over a job another replica is running.
 */
public final class JdbcBatchJournal implements BatchJournal {
    /** The file under the data directory that holds this gateway's node id. */
    public static final String NODE_FILE = "node-id";
    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS batch_jobs (
              id VARCHAR(64) PRIMARY KEY,
              node VARCHAR(64) NOT NULL,
              tenant TEXT NOT NULL,
              created_at BIGINT NOT NULL,
              finished INTEGER NOT NULL,
              body TEXT NOT NULL)""";

    private final DataSource ds;
    private final String node;

    public JdbcBatchJournal(DataSource ds, String node) {
        this.ds = ds;
        this.node = node;
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(SCHEMA);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the batch_jobs table: " + e.getMessage(), e);
        }
    }

    /** The node id kept in {@code dataDir}, created on first use. */
    public static String nodeId(Path dataDir) {
        Path f = dataDir.resolve(NODE_FILE);
        try {
            Files.createDirectories(dataDir);
            try {
                Files.writeString(f, "node_" + UUID.randomUUID().toString().replace("-", ""), StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException kept) {
                // the id of an earlier start: the jobs it ran are this gateway's
            }
            return Files.readString(f, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the node id file " + f, e);
        }
    }

    @Override
    public void submitted(String id, String tenant, long createdAt, ObjectNode job) {
        try (Connection c = ds.getConnection()) {
            insert(c, id, tenant, createdAt, false, job);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store batch job " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean finished(String id, String tenant, long createdAt, ObjectNode job) {
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("UPDATE batch_jobs SET finished = 1, body = ? WHERE id = ? AND finished = 0")) {
                ps.setString(1, Json.write(job));
                ps.setString(2, id);
                if (ps.executeUpdate() == 1) return true;
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM batch_jobs WHERE id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) return false;
                }
            }
            // its submission was never stored (the database was down then): store it now
            insert(c, id, tenant, createdAt, true, job);
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store batch job " + id + ": " + e.getMessage(), e);
        }
    }

    private void insert(Connection c, String id, String tenant, long createdAt, boolean finished, ObjectNode job)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO batch_jobs (id, node, tenant, created_at, finished, body) VALUES (?,?,?,?,?,?)")) {
            ps.setString(1, id);
            ps.setString(2, node);
            ps.setString(3, tenant);
            ps.setLong(4, createdAt);
            ps.setInt(5, finished ? 1 : 0);
            ps.setString(6, Json.write(job));
            ps.executeUpdate();
        }
    }

    @Override
    public List<JsonNode> load(long createdSince) {
        List<JsonNode> out = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM batch_jobs WHERE node = ? AND created_at < ?")) {
                del.setString(1, node);
                del.setLong(2, createdSince);
                del.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT body FROM batch_jobs WHERE node = ? ORDER BY created_at, id")) {
                ps.setString(1, node);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) out.add(Json.parse(rs.getString(1)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read batch jobs: " + e.getMessage(), e);
        }
        return out;
    }
}
