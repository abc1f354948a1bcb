package dev.tokenwise.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds the shared data directory: system property tokenwise.shared, else ../shared or
 * ../../shared, else the nearest ancestor's shared/ folder.
 */
public final class SharedData {
    private SharedData() {}

    public static Path dir() {
        String p = System.getProperty("tokenwise.shared");
        for (String c : p != null ? List.of(p, "../shared", "../../shared") : List.of("../shared", "../../shared")) {
            Path d = Path.of(c);
            if (Files.isDirectory(d.resolve("data"))) return d.toAbsolutePath().normalize();
        }
        // a git worktree may sit deeper than the main checkout: look upwards for a shared/data folder
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("shared").resolve("data"))) return d.resolve("shared");
        }
        throw new IllegalStateException("shared data directory not found (set -Dtokenwise.shared)");
    }

    public static Path file(String relative) {
        return dir().resolve(relative);
    }
}
