package dev.tokenwise.core.routing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Finds the shared data directory: the {@code tokenwise.shared} property, else the nearest {@code shared} up the tree. */
final class SharedData {
    private SharedData() {}

    static Path routing(String name) {
        String prop = System.getProperty("tokenwise.shared");
        if (prop != null && Files.isDirectory(Path.of(prop, "data", "routing", name))) return Path.of(prop, "data", "routing", name);
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("shared").resolve("data").resolve("routing").resolve(name);
            if (Files.isDirectory(c)) return c;
        }
        Assumptions.abort("shared routing data '" + name + "' not found");
        return null;
    }
}
