package dev.tokenwise.gateway.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Helpers for the real servers (redis-server, PostgreSQL) that tests start on loopback. */
final class ExternalServer {
    private ExternalServer() {}

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void awaitPort(int port, Duration timeout, Process process, Path log) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited early (code " + process.exitValue() + "), log: " + read(log));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException("server did not listen on port " + port + " within " + timeout + ", log: " + read(log));
    }

    static String read(Path log) {
        try {
            return log == null ? "" : java.nio.file.Files.readString(log);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    static void run(List<String> cmd, Path log) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (p.waitFor() != 0) throw new IllegalStateException(String.join(" ", cmd) + " failed: " + read(log));
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
