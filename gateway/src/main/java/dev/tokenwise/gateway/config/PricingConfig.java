package dev.tokenwise.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.pricing.Price;
import dev.tokenwise.core.pricing.PriceCatalog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Which prices the gateway charges requests at: a named sheet of the bundled catalog plus
 * per-model overrides ({@code pricing: {sheet: current, models: {my-model: {input: 1, output: 2}}}}).
 *
 * @param sheet bundled price sheet name ("current" unless set; "seed-2025" is the seed's table)
 * @param models model name to a price entry ({@code input}, {@code output}, optional
 *     {@code cached_input}, {@code cache_write}, {@code as_of}, {@code source}; USD per 1M tokens)
 */
public record PricingConfig(String sheet, Map<String, JsonNode> models) {
    public PricingConfig {
        if (sheet == null) sheet = PriceCatalog.DEFAULT_SHEET;
        models = models == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(models));
    }

    public static PricingConfig defaults() {
        return new PricingConfig(null, null);
    }

    /** The bundled sheet of that name, no overrides. */
    public static PricingConfig sheet(String name) {
        return new PricingConfig(name, null);
    }

    /** Problems with this section, each naming its key; empty when valid. */
    public List<String> problems() {
        List<String> errors = new ArrayList<>();
        if (!PriceCatalog.bundledSheets().contains(sheet)) {
            errors.add("pricing.sheet: unknown price sheet '" + sheet + "' (one of "
                    + PriceCatalog.bundledSheets().stream().sorted().toList() + ")");
        }
        for (Map.Entry<String, JsonNode> e : models.entrySet()) {
            String key = "pricing.models." + e.getKey();
            if (e.getValue() == null || !e.getValue().isObject()) {
                errors.add(key + ": must be a mapping like {input: 2.5, output: 10} (USD per 1M tokens)");
                continue;
            }
            try {
                PriceCatalog.parsePrice(key, e.getValue());
            } catch (RuntimeException ex) {
                errors.add(ex.getMessage().startsWith(key) ? ex.getMessage() : key + ": " + ex.getMessage());
            }
        }
        return errors;
    }

    /** The catalog this section describes; call only on a validated config. */
    public PriceCatalog catalog() {
        Map<String, Price> overrides = new LinkedHashMap<>();
        models.forEach((name, node) -> overrides.put(name.toLowerCase(Locale.ROOT),
                PriceCatalog.parsePrice("pricing.models." + name, node)));
        return PriceCatalog.bundled(sheet).withOverrides(overrides);
    }
}
