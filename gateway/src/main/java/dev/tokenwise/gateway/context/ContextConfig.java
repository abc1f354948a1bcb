package dev.tokenwise.gateway.context;

import dev.tokenwise.gateway.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code context} section of {@code tokenwise.yaml}: per-route history trimming, duplicate
 * removal, output caps, provider prompt caching and batching. Nothing is applied to a request that
 * matches no route, and a route applies only the subsections it configures.
 *
 * @param summariserModel configured model (normally the small tier) that writes trim summaries;
 *     null for extractive summaries only (no model call)
 * @param routes matched in order; the first route whose feature and model match wins
 */
public record ContextConfig(String summariserModel, List<RouteConfig> routes) {
    public static final ContextConfig NONE = new ContextConfig(null, List.of());

    public ContextConfig {
        routes = routes == null ? List.of() : List.copyOf(routes);
    }

    /**
     * One route: which requests it matches and what it applies to them.
     *
     * @param name label in logs and the length-rate report (defaults to feature/model)
     * @param feature the {@code x-tokenwise-feature} tag to match, or null for any
     * @param model the requested model to match, or null for any (one of feature/model is required)
     */
    public record RouteConfig(String name, String feature, String model, TrimConfig trim, DedupConfig dedup,
                              OutputConfig output, PromptCacheConfig promptCache, BatchConfig batch) {
        public RouteConfig {
            if (name == null || name.isBlank()) {
                name = (feature == null ? "*" : feature) + "/" + (model == null ? "*" : model);
            }
        }

        boolean matches(String requestFeature, String requestModel) {
            return (feature == null || feature.equals(requestFeature)) && (model == null || model.equals(requestModel));
        }
    }

    /** History trimming; see {@link dev.tokenwise.core.context.HistoryTrimmer}. */
    public record TrimConfig(Integer budgetTokens, Integer keepLastTurns, Integer summaryMaxTokens, PinConfig pin,
                             Integer dropStepMessages) {
        public TrimConfig {
            if (dropStepMessages == null) dropStepMessages = 6;
            if (keepLastTurns == null) keepLastTurns = 3;
            if (summaryMaxTokens == null) summaryMaxTokens = 200;
            if (pin == null) pin = new PinConfig(null, null, null);
        }

        /** The trimming policy this section configures. */
        public dev.tokenwise.core.context.TrimPolicy policy() {
            return new dev.tokenwise.core.context.TrimPolicy(budgetTokens, keepLastTurns, summaryMaxTokens,
                    new dev.tokenwise.core.context.PinRule(pin.marker(), pin.firstUserTurns(), pin.field()), dropStepMessages);
        }
    }

    /** What is never trimmed: messages containing {@code marker}, the first N user turns, {@code "pin": true}. */
    public record PinConfig(String marker, Integer firstUserTurns, Boolean field) {
        public PinConfig {
            if (firstUserTurns == null) firstUserTurns = 1;
            if (field == null) field = true;
        }
    }

    /** Duplicate context removal. */
    public record DedupConfig(Boolean enabled, Integer minBlockChars) {
        public DedupConfig {
            if (enabled == null) enabled = true;
            if (minBlockChars == null) minBlockChars = 200;
        }
    }

    /**
     * Output control.
     *
     * @param maxTokens cap on the answer length; only ever lowers what the client asked for
     * @param taskType adds the built-in concise-answer instruction for this task type
     * @param instruction a custom concise-answer instruction (wins over taskType)
     * @param lengthRateThreshold share of capped answers cut off ({@code finish_reason: length})
     *     above which the route is flagged
     * @param minSamples capped answers needed before the rate is judged
     * @param window how many recent capped answers the rate is computed over
     * @param onExceed {@code warn} (log and report) or {@code disable} (also stop applying the cap)
     */
    public record OutputConfig(Integer maxTokens, String taskType, String instruction, Double lengthRateThreshold,
                               Integer minSamples, Integer window, String onExceed) {
        public OutputConfig {
            if (lengthRateThreshold == null) lengthRateThreshold = 0.05;
            if (minSamples == null) minSamples = 20;
            if (window == null) window = 200;
            if (onExceed == null) onExceed = "warn";
        }
    }

    /** Anthropic prompt-cache breakpoints. */
    public record PromptCacheConfig(Boolean enabled, Integer minTokens, Integer maxBreakpoints) {
        public PromptCacheConfig {
            if (enabled == null) enabled = true;
            if (maxBreakpoints == null) maxBreakpoints = 2;
        }
    }

    /**
     * Batching of deferrable requests.
     *
     * @param deferrable treat every request of the route as deferrable (as if it sent
     *     {@code x-tokenwise-deferrable: true})
     * @param waitForResult answer a deferrable chat completion synchronously through a batch of one
     *     (else it is rejected with a pointer to the job API)
     * @param waitTimeoutMs how long a waiting request may take before a 504 naming its job
     * @param pollIntervalMs how often a waiting request polls its job
     */
    public record BatchConfig(Boolean deferrable, Boolean waitForResult, Integer waitTimeoutMs, Integer pollIntervalMs) {
        public BatchConfig {
            if (deferrable == null) deferrable = false;
            if (waitForResult == null) waitForResult = false;
            if (waitTimeoutMs == null) waitTimeoutMs = 60_000;
            if (pollIntervalMs == null) pollIntervalMs = 200;
        }
    }

    /** Every problem in this section, each naming its key and value. */
    public List<String> validate(Map<String, ModelConfig> models) {
        List<String> errors = new ArrayList<>();
        if (summariserModel != null && !models.containsKey(summariserModel)) {
            errors.add("context.summariser_model: '" + summariserModel + "' is not a configured model");
        }
        for (int i = 0; i < routes.size(); i++) {
            RouteConfig r = routes.get(i);
            String k = "context.routes[" + i + "]";
            if (r == null) { errors.add(k + ": must be a mapping"); continue; }
            if (r.feature() == null && r.model() == null) errors.add(k + ": needs 'feature' and/or 'model' to match");
            if (r.model() != null && !models.containsKey(r.model())) {
                errors.add(k + ".model: '" + r.model() + "' is not a configured model");
            }
            if (r.trim() != null) {
                TrimConfig t = r.trim();
                if (t.budgetTokens() == null || t.budgetTokens() < 64) {
                    errors.add(k + ".trim.budget_tokens: must be at least 64, was " + t.budgetTokens());
                }
                if (t.keepLastTurns() < 1) errors.add(k + ".trim.keep_last_turns: must be at least 1, was " + t.keepLastTurns());
                if (t.summaryMaxTokens() < 0 || (t.budgetTokens() != null && t.summaryMaxTokens() >= t.budgetTokens())) {
                    errors.add(k + ".trim.summary_max_tokens: must be 0..budget_tokens-1, was " + t.summaryMaxTokens());
                }
                if (t.dropStepMessages() < 1 || t.dropStepMessages() > 100) {
                    errors.add(k + ".trim.drop_step_messages: must be 1..100, was " + t.dropStepMessages());
                }
                if (t.pin().firstUserTurns() < 0) {
                    errors.add(k + ".trim.pin.first_user_turns: must be >= 0, was " + t.pin().firstUserTurns());
                }
            }
            if (r.dedup() != null && r.dedup().minBlockChars() < 40) {
                errors.add(k + ".dedup.min_block_chars: must be at least 40, was " + r.dedup().minBlockChars());
            }
            if (r.output() != null) {
                OutputConfig o = r.output();
                if (o.maxTokens() != null && o.maxTokens() < 1) errors.add(k + ".output.max_tokens: must be at least 1, was " + o.maxTokens());
                if (o.taskType() != null && !Instructions.BY_TASK.containsKey(o.taskType())) {
                    errors.add(k + ".output.task_type: '" + o.taskType() + "' is not one of " + Instructions.BY_TASK.keySet().stream().sorted().toList());
                }
                if (o.lengthRateThreshold() <= 0 || o.lengthRateThreshold() >= 1) {
                    errors.add(k + ".output.length_rate_threshold: must be between 0 and 1, was " + o.lengthRateThreshold());
                }
                if (o.minSamples() < 1) errors.add(k + ".output.min_samples: must be at least 1, was " + o.minSamples());
                if (o.window() < o.minSamples()) errors.add(k + ".output.window: must be >= min_samples, was " + o.window());
                if (!List.of("warn", "disable").contains(o.onExceed())) {
                    errors.add(k + ".output.on_exceed: '" + o.onExceed() + "' is not one of [disable, warn]");
                }
            }
            if (r.promptCache() != null) {
                PromptCacheConfig p = r.promptCache();
                if (p.maxBreakpoints() < 1 || p.maxBreakpoints() > 4) {
                    errors.add(k + ".prompt_cache.max_breakpoints: must be 1..4, was " + p.maxBreakpoints());
                }
                if (p.minTokens() != null && p.minTokens() < 1) errors.add(k + ".prompt_cache.min_tokens: must be at least 1, was " + p.minTokens());
            }
            if (r.batch() != null) {
                BatchConfig b = r.batch();
                if (b.waitTimeoutMs() < 1) errors.add(k + ".batch.wait_timeout_ms: must be at least 1, was " + b.waitTimeoutMs());
                if (b.pollIntervalMs() < 1) errors.add(k + ".batch.poll_interval_ms: must be at least 1, was " + b.pollIntervalMs());
            }
        }
        return errors;
    }

    /** The first route matching a request, or null. */
    public RouteConfig route(String feature, String model) {
        for (RouteConfig r : routes) if (r.matches(feature, model)) return r;
        return null;
    }

    boolean any(java.util.function.Predicate<RouteConfig> p) {
        return routes.stream().anyMatch(p);
    }
}
