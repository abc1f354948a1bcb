package dev.tokenwise.core.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One GPU model as the self-hosting planner sees it.
 *
 * @param name short id, e.g. {@code a100-80gb}
 * @param memoryGb on-board memory (GB, 10^9 bytes)
 * @param bandwidthGbs peak memory bandwidth (GB/s)
 * @param usdPerHour on-demand price of one GPU
 * @param asOf when the price was read
 * @param source where the figures come from
 */
public record Gpu(String name, double memoryGb, double bandwidthGbs, double usdPerHour, LocalDate asOf, String source) {
    public Gpu {
        if (memoryGb <= 0 || bandwidthGbs <= 0 || usdPerHour < 0) {
            throw new IllegalArgumentException("GPU " + name + ": memory and bandwidth must be > 0 and price >= 0");
        }
    }

    public Gpu withUsdPerHour(double p) {
        return new Gpu(name, memoryGb, bandwidthGbs, p, null, "user-supplied price");
    }

    private static volatile Map<String, Gpu> bundled;

    /** The bundled GPU table ({@code gpus.yaml}), in table order. */
    public static Map<String, Gpu> bundled() {
        Map<String, Gpu> b = bundled;
        if (b != null) return b;
        try (InputStream in = Gpu.class.getResourceAsStream("gpus.yaml")) {
            if (in == null) throw new IllegalStateException("bundled GPU table is missing from the jar");
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(in);
            Map<String, Gpu> m = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("gpus").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode n = e.getValue();
                m.put(e.getKey(), new Gpu(e.getKey(), n.path("memory_gb").asDouble(), n.path("bandwidth_gbs").asDouble(),
                        n.path("usd_per_hour").asDouble(), n.hasNonNull("as_of") ? LocalDate.parse(n.get("as_of").asText()) : null,
                        n.path("source").asText(null)));
            }
            b = java.util.Collections.unmodifiableMap(m);
            bundled = b;
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A bundled GPU by name (case-insensitive). */
    public static Gpu named(String name) {
        Gpu g = bundled().get(name.toLowerCase(Locale.ROOT));
        if (g == null) {
            throw new IllegalArgumentException("unknown GPU '" + name + "' (known: " + String.join(", ", bundled().keySet()) + ")");
        }
        return g;
    }
}
