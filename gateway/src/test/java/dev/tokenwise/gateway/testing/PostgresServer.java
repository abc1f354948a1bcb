package dev.tokenwise.gateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server in a temporary data directory on a free loopback port, for tests.
 * PostgreSQL refuses to run as root, so as root it runs as the {@code postgres} system user.
 * Trust authentication on loopback; database {@code tokenwise}, user {@code tokenwise}.
 */
public final class PostgresServer implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private PostgresServer(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    public static PostgresServer start() {
        Path bin = binDir();
        int port = ExternalServer.freePort();
        try {
            Path dir = Files.createTempDirectory("tokenwise-pg");
            Path data = dir.resolve("data");
            Path log = dir.resolve("pg.log");
            Files.createFile(log);
            boolean root = "root".equals(System.getProperty("user.name"));
            if (root) ExternalServer.run(List.of("chown", "-R", "postgres", dir.toString()), log);
            ExternalServer.run(as(root, List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "tokenwise",
                    "--auth=trust", "-E", "UTF8", "--no-sync")), log);
            Process p = new ProcessBuilder(as(root, List.of(bin.resolve("postgres").toString(), "-D", data.toString(),
                    "-p", Integer.toString(port), "-h", "127.0.0.1", "-k", dir.toString(), "-F",
                    "-c", "fsync=off", "-c", "max_connections=200")))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            ExternalServer.awaitPort(port, Duration.ofSeconds(60), p, log);
            // the port opens before the server accepts sessions ("the database system is starting up"): retry
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                try {
                    ExternalServer.run(as(root, List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p",
                            Integer.toString(port), "-U", "tokenwise", "tokenwise")), log);
                    break;
                } catch (IllegalStateException notReady) {
                    if (System.nanoTime() > deadline || !p.isAlive()) {
                        p.destroyForcibly(); // never leave a server behind when start fails
                        throw notReady;
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw notReady;
                    }
                }
            }
            return new PostgresServer(p, port, dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start PostgreSQL", e);
        }
    }

    private static List<String> as(boolean root, List<String> cmd) {
        if (!root) return cmd;
        List<String> l = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        l.addAll(cmd);
        return l;
    }

    private static Path binDir() {
        try (Stream<Path> s = Files.list(Path.of("/usr/lib/postgresql"))) {
            return s.map(p -> p.resolve("bin")).filter(p -> Files.isExecutable(p.resolve("postgres")))
                    .max(Comparator.naturalOrder())
                    .orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed (apt-get install postgresql)"));
        } catch (IOException e) {
            throw new IllegalStateException("PostgreSQL is not installed (apt-get install postgresql)", e);
        }
    }

    public int port() { return port; }

    public String jdbcUrl() { return "jdbc:postgresql://127.0.0.1:" + port + "/tokenwise?user=tokenwise"; }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
