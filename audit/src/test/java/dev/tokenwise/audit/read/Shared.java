package dev.tokenwise.audit.read;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the shared data directory (system property {@code tokenwise.shared}, else ../shared or ../../shared). */
public final class Shared {
    private Shared() {}

    public static Path dir() {
        String p = System.getProperty("tokenwise.shared");
        if (p != null && Files.isDirectory(Path.of(p))) return Path.of(p);
        for (String c : new String[] {"../shared", "../../shared", "../../../shared"}) {
            if (Files.isDirectory(Path.of(c, "data"))) return Path.of(c);
        }
        throw new IllegalStateException("shared data not found: set -Dtokenwise.shared");
    }
}
