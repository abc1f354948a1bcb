package dev.tokenwise.gateway.routing;

import dev.tokenwise.gateway.config.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code routing} section: which router decides, per feature tag and requested model, whether
 * a cheaper model answers. Disabled unless {@code enabled: true}.
 *
 * <pre>{@code
 * routing:
 *   enabled: true
 *   router: learned            # default for requests no route matches: rules, learned, cascade or off
 *   quality_target: 0.95       # fraction of the strong model's quality to keep (learned, cascade)
 *   tiers: {small: gpt-4o-mini, mid: llama-3-70b}   # optional; else the first model of each tier
 *   pinned_models: [claude-3-5-sonnet]               # never routed
 *   routes:
 *     - {feature: support-faq, router: rules}
 *     - {feature: math-tutor, model: gpt-4o, router: cascade, quality_target: 0.97}
 * }</pre>
 *
 * @param enabled routing runs only when true
 * @param router router for requests no route matches
 * @param qualityTarget default quality target
 * @param routerFile a router JSON from {@code tokenwise router train} (default: the bundled one)
 * @param cascadeFile a cascade scorer JSON from {@code tokenwise router train --cascade} (default: bundled)
 * @param tiers tier name to the model that serves it
 * @param pinnedModels requested models that are never routed
 * @param routes first match wins
 */
public record RoutingConfig(Boolean enabled, String router, Double qualityTarget, String routerFile, String cascadeFile,
                            Map<String, String> tiers, List<String> pinnedModels, List<Route> routes) {
    public static final Set<String> ROUTERS = Set.of("rules", "learned", "cascade", "off");

    public RoutingConfig {
        if (enabled == null) enabled = false;
        if (router == null) router = "rules";
        if (qualityTarget == null) qualityTarget = 0.95;
        tiers = tiers == null ? Map.of() : Map.copyOf(tiers);
        pinnedModels = pinnedModels == null ? List.of() : List.copyOf(pinnedModels);
        routes = routes == null ? List.of() : List.copyOf(routes);
    }

    public static RoutingConfig disabled() {
        return new RoutingConfig(false, null, null, null, null, null, null, null);
    }

    /**
     * One route: requests matching {@code feature} (the {@code x-tokenwise-feature} tag) and/or
     * {@code model} (the requested model) use {@code router}; an omitted matcher matches anything.
     */
    public record Route(String feature, String model, String router, Double qualityTarget) {}

    /** Everything wrong with the section, each naming its key (empty when valid). */
    public List<String> problems(Map<String, ModelConfig> models) {
        List<String> errors = new ArrayList<>();
        if (!ROUTERS.contains(router)) errors.add("routing.router: '" + router + "' is not one of " + sorted(ROUTERS));
        checkTarget("routing.quality_target", qualityTarget, errors);
        tiers.forEach((tier, model) -> {
            if (!Set.of("small", "mid", "large").contains(tier)) errors.add("routing.tiers." + tier + ": unknown tier (small, mid, large)");
            if (!models.containsKey(model)) errors.add("routing.tiers." + tier + ": model '" + model + "' is not configured under models");
        });
        for (int i = 0; i < pinnedModels.size(); i++) {
            if (!models.containsKey(pinnedModels.get(i))) {
                errors.add("routing.pinned_models[" + i + "]: model '" + pinnedModels.get(i) + "' is not configured under models");
            }
        }
        for (int i = 0; i < routes.size(); i++) {
            Route r = routes.get(i);
            String k = "routing.routes[" + i + "]";
            if (r == null) {
                errors.add(k + ": must be a mapping with 'router'");
                continue;
            }
            if (r.router() == null || !ROUTERS.contains(r.router())) {
                errors.add(k + ".router: '" + r.router() + "' is not one of " + sorted(ROUTERS));
            }
            if (r.model() != null && !models.containsKey(r.model())) {
                errors.add(k + ".model: '" + r.model() + "' is not configured under models");
            }
            if (r.qualityTarget() != null) checkTarget(k + ".quality_target", r.qualityTarget(), errors);
        }
        if (routerFile != null && !Files.isRegularFile(Path.of(routerFile))) errors.add("routing.router_file: no such file '" + routerFile + "'");
        if (cascadeFile != null && !Files.isRegularFile(Path.of(cascadeFile))) errors.add("routing.cascade_file: no such file '" + cascadeFile + "'");
        return errors;
    }

    private static void checkTarget(String key, double v, List<String> errors) {
        if (!(v > 0 && v <= 1)) errors.add(key + ": must be in (0, 1], was " + v);
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }
}
