package dev.tokenwise.core.pricing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tokenwise.core.wire.Usage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Prices per model, from a named price sheet of the bundled catalog ({@code catalog.yaml}) plus
 * user overrides. Model names match exactly first, then by the longest known prefix (so
 * {@code gpt-4o-2024-08-06} is priced as {@code gpt-4o}), ignoring a vendor prefix like
 * {@code openai/}.
 */
public final class PriceCatalog {
    /** The sheet used unless configured otherwise: current list prices. */
    public static final String DEFAULT_SHEET = "current";
    /** The seed playbook's 2025 table, used by the demo. */
    public static final String SEED_SHEET = "seed-2025";
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private final String sheet;
    private final Map<String, Price> prices;

    private PriceCatalog(String sheet, Map<String, Price> prices) {
        this.sheet = sheet;
        this.prices = Map.copyOf(prices);
    }

    /** The bundled catalog's default sheet. */
    public static PriceCatalog bundled() {
        return bundled(DEFAULT_SHEET);
    }

    /** One named sheet of the bundled catalog. */
    public static PriceCatalog bundled(String sheetName) {
        Map<String, Map<String, Price>> sheets = loadBundled();
        Map<String, Price> s = sheets.get(sheetName);
        if (s == null) {
            throw new IllegalArgumentException("unknown price sheet '" + sheetName + "' (known: " + sheets.keySet() + ")");
        }
        return new PriceCatalog(sheetName, s);
    }

    /** Names of the bundled sheets. */
    public static Set<String> bundledSheets() {
        return loadBundled().keySet();
    }

    public static PriceCatalog of(String sheet, Map<String, Price> prices) {
        return new PriceCatalog(sheet, prices);
    }

    /** A copy with some models added or replaced. */
    public PriceCatalog withOverrides(Map<String, Price> overrides) {
        Map<String, Price> m = new LinkedHashMap<>(prices);
        m.putAll(overrides);
        return new PriceCatalog(sheet, m);
    }

    public String sheet() { return sheet; }

    public Map<String, Price> prices() { return prices; }

    public Optional<Price> find(String model) {
        if (model == null) return Optional.empty();
        String m = model.toLowerCase(Locale.ROOT);
        Price p = prices.get(m);
        if (p != null) return Optional.of(p);
        int slash = m.lastIndexOf('/');
        if (slash >= 0) {
            p = prices.get(m.substring(slash + 1));
            if (p != null) return Optional.of(p);
            m = m.substring(slash + 1);
        }
        String best = null;
        for (String k : prices.keySet()) {
            if (m.startsWith(k) && (best == null || k.length() > best.length())) best = k;
        }
        return best == null ? Optional.empty() : Optional.of(prices.get(best));
    }

    /**
     * USD cost of a usage on a model: uncached input at the input price, cache reads at the
     * cached price, cache writes at the write price, output at the output price, then less
     * {@code discount} (e.g. 0.5 for batch APIs). Unknown models cost zero and are flagged by
     * {@link #find} returning empty, so callers can report them.
     */
    public BigDecimal cost(String model, Usage usage, double discount) {
        Optional<Price> p = find(model);
        if (p.isEmpty() || usage == null) return BigDecimal.ZERO;
        return cost(p.get(), usage, discount);
    }

    public BigDecimal cost(String model, Usage usage) {
        return cost(model, usage, 0);
    }

    public static BigDecimal cost(Price p, Usage u, double discount) {
        BigDecimal total = p.input().multiply(BigDecimal.valueOf(u.uncachedPromptTokens()))
                .add(p.cachedInput().multiply(BigDecimal.valueOf(u.cachedTokens())))
                .add(p.cacheWrite().multiply(BigDecimal.valueOf(u.cacheWriteTokens())))
                .add(p.output().multiply(BigDecimal.valueOf(u.completionTokens())))
                .movePointLeft(6); // prices are per million tokens: exact, unlike a long division
        if (discount > 0) total = total.multiply(BigDecimal.ONE.subtract(BigDecimal.valueOf(discount)));
        return total.setScale(10, RoundingMode.HALF_UP).stripTrailingZeros();
    }

    /**
     * The seed playbook's self-hosting formula: $/1M tokens = GPU $/hour ÷ (tokens/s × 3600) × 10^6.
     */
    public static BigDecimal selfHostedPerMillion(double gpuDollarsPerHour, double tokensPerSecond) {
        if (gpuDollarsPerHour < 0) throw new IllegalArgumentException("GPU $/hour must be >= 0, was " + gpuDollarsPerHour);
        if (tokensPerSecond <= 0) throw new IllegalArgumentException("tokens/s must be > 0, was " + tokensPerSecond);
        return BigDecimal.valueOf(gpuDollarsPerHour).multiply(MILLION)
                .divide(BigDecimal.valueOf(tokensPerSecond).multiply(BigDecimal.valueOf(3600)), MathContext.DECIMAL64);
    }

    private static volatile Map<String, Map<String, Price>> bundledCache;

    private static Map<String, Map<String, Price>> loadBundled() {
        Map<String, Map<String, Price>> c = bundledCache;
        if (c != null) return c;
        try (InputStream in = PriceCatalog.class.getResourceAsStream("catalog.yaml")) {
            if (in == null) throw new IllegalStateException("bundled price catalog is missing from the jar");
            c = parse(new ObjectMapper(new YAMLFactory()).readTree(in));
            bundledCache = c;
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a catalog document: {@code sheets: {name: {model: {input, cached_input, ...}}}}. */
    public static Map<String, Map<String, Price>> parse(JsonNode root) {
        Map<String, Map<String, Price>> sheets = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("sheets").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> s = it.next();
            Map<String, Price> models = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> mi = s.getValue().fields(); mi.hasNext(); ) {
                Map.Entry<String, JsonNode> m = mi.next();
                models.put(m.getKey().toLowerCase(Locale.ROOT), parsePrice(s.getKey() + "." + m.getKey(), m.getValue()));
            }
            sheets.put(s.getKey(), Map.copyOf(models));
        }
        return Map.copyOf(sheets);
    }

    /** One price entry; the key is used in error messages. */
    public static Price parsePrice(String key, JsonNode n) {
        if (!n.path("input").isNumber() || !n.path("output").isNumber()) {
            throw new IllegalArgumentException(key + ": 'input' and 'output' (USD per 1M tokens) are required numbers");
        }
        return new Price(n.get("input").decimalValue(),
                n.path("cached_input").isNumber() ? n.get("cached_input").decimalValue() : null,
                n.path("cache_write").isNumber() ? n.get("cache_write").decimalValue() : null,
                n.get("output").decimalValue(),
                n.hasNonNull("as_of") ? LocalDate.parse(n.get("as_of").asText()) : null,
                n.hasNonNull("source") ? n.get("source").asText() : null);
    }
}
