package dev.tokenwise.gateway.provider;

import dev.tokenwise.core.error.GatewayException;
import dev.tokenwise.gateway.config.ModelConfig;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The models a gateway serves, each bound to the provider adapter that calls it. Only configured
 * names resolve: a model name in a request can never make the gateway call an arbitrary URL.
 */
public final class ModelRegistry implements AutoCloseable {
    /** A configured model and the adapter that serves it. */
    public record Binding(ModelConfig model, Provider provider) {}

    private final Map<String, Binding> models;
    private final Map<String, Provider> providers;
    /** Model names in configuration order, without the catch-all. */
    private final List<String> order;

    public ModelRegistry(Map<String, ModelConfig> models, Map<String, Provider> providers) {
        Map<String, Binding> m = new LinkedHashMap<>();
        models.forEach((name, cfg) -> {
            Provider p = providers.get(cfg.provider());
            if (p == null) {
                throw new IllegalArgumentException("models." + name + ".provider: no adapter named '" + cfg.provider()
                        + "' (known: " + providers.keySet() + ")");
            }
            m.put(name, new Binding(cfg, p));
        });
        this.models = Map.copyOf(m);
        this.providers = Map.copyOf(providers);
        this.order = m.keySet().stream().filter(n -> !n.equals(ANY_MODEL)).toList();
    }

    /**
     * Configuration key that serves every model name not configured otherwise (the quick start's
     * "proxy everything to one upstream"); its upstream model is the requested name.
     */
    public static final String ANY_MODEL = "*";

    /** The binding for a model name, or a 404 {@code model_not_found}. */
    public Binding resolve(String model) {
        Binding b = models.get(model);
        if (b == null) b = models.get(ANY_MODEL);
        if (b == null) throw GatewayException.modelNotFound(model);
        return b;
    }

    public Optional<Binding> find(String model) {
        Binding b = models.get(model);
        return Optional.ofNullable(b != null ? b : models.get(ANY_MODEL));
    }

    /** Model names in configuration order (without the {@value #ANY_MODEL} catch-all). */
    public List<String> names() { return order; }

    public Collection<Provider> providers() { return providers.values(); }

    @Override
    public void close() {
        for (Provider p : providers.values()) {
            try {
                p.close();
            } catch (Exception ignored) {
                // closing is best effort; a failing adapter must not keep the others open
            }
        }
    }
}
