package dev.tokenwise.gateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real {@code redis-server} on a free loopback port, with no persistence, for tests. Installed by
 * {@code scripts/test}; a test fails (not skips) when it is missing.
 */
public final class RedisServer implements AutoCloseable {
    private final Process process;
    private final int port;

    private RedisServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    public static RedisServer start() {
        int port = ExternalServer.freePort();
        try {
            Path dir = Files.createTempDirectory("tokenwise-redis");
            Path log = dir.resolve("redis.log");
            Process p = new ProcessBuilder(List.of(binary(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "yes"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            ExternalServer.awaitPort(port, Duration.ofSeconds(20), p, log);
            return new RedisServer(p, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-server (install it: apt-get install redis-server)", e);
        }
    }

    private static String binary() {
        for (String c : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (Files.isExecutable(Path.of(c))) return c;
        }
        return "redis-server";
    }

    public int port() { return port; }

    /** e.g. redis://127.0.0.1:PORT */
    public String url() { return "redis://127.0.0.1:" + port; }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
