package dev.tokenwise.gateway.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads {@code tokenwise.yaml} and validates it completely before anything starts: unknown keys,
 * missing environment variables, malformed URLs and bad values are reported together, each naming
 * its key, so a gateway never fails at its first request instead.
 */
public final class ConfigLoader {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    public static final Set<String> PROVIDERS = Set.of("openai", "anthropic", "mock", "replay");
    public static final Set<String> TIERS = Set.of("small", "mid", "large");

    private final Function<String, String> env;

    /** @param env environment lookup (System::getenv in production, a map in tests) */
    public ConfigLoader(Function<String, String> env) {
        this.env = env;
    }

    public GatewayConfig load(Path file) {
        if (!Files.isRegularFile(file)) throw new ConfigException("config file not found: " + file);
        try {
            return validate(resolveFiles(parse(Files.readString(file)), file.toAbsolutePath().getParent()));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
    }

    public GatewayConfig parse(String yaml) {
        try {
            GatewayConfig c = YAML.readValue(yaml, GatewayConfig.class);
            return c == null ? new GatewayConfig(null, null) : c;
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException("unknown key '" + path(e) + "' (known keys here: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")", e);
        } catch (JsonMappingException e) {
            throw new ConfigException("invalid value at '" + path(e) + "': " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException("config is not valid YAML: " + e.getMessage(), e);
        }
    }

    /** Relative replay files are relative to the config file's folder, like includes in most tools. */
    static GatewayConfig resolveFiles(GatewayConfig c, Path dir) {
        java.util.Map<String, ModelConfig> models = new java.util.LinkedHashMap<>();
        c.models().forEach((name, m) -> {
            if (m != null && m.replay() != null && m.replay().file() != null && !Path.of(m.replay().file()).isAbsolute()) {
                m = new ModelConfig(m.provider(), m.upstreamModel(), m.baseUrl(), m.apiKeyEnv(), m.tier(), m.mock(), m.timeouts(),
                        new ModelConfig.ReplayConfig(dir.resolve(m.replay().file()).normalize().toString(), m.replay().column()),
                        m.headers());
            }
            models.put(name, m);
        });
        return c.withModels(models);
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    /** Checks every section; throws one exception listing every problem. */
    public GatewayConfig validate(GatewayConfig c) {
        List<String> errors = new ArrayList<>();
        ServerConfig s = c.server();
        if (s.port() < 0 || s.port() > 65535) errors.add("server.port: must be 0..65535, was " + s.port());
        if (s.maxBodyBytes() < 1024) errors.add("server.max_body_bytes: must be at least 1024, was " + s.maxBodyBytes());
        if (s.host().isBlank()) errors.add("server.host: must not be empty");
        if (c.models().isEmpty()) errors.add("models: at least one model must be configured");
        for (Map.Entry<String, ModelConfig> e : c.models().entrySet()) {
            String k = "models." + e.getKey();
            ModelConfig m = e.getValue();
            if (m == null) {
                errors.add(k + ": must be a mapping with at least 'provider'");
                continue;
            }
            if (m.provider() == null) {
                errors.add(k + ".provider: missing (one of " + PROVIDERS.stream().sorted().toList() + ")");
            } else if (!PROVIDERS.contains(m.provider())) {
                errors.add(k + ".provider: unknown provider '" + m.provider() + "' (one of " + PROVIDERS.stream().sorted().toList() + ")");
            }
            if (m.tier() != null && !TIERS.contains(m.tier())) {
                errors.add(k + ".tier: '" + m.tier() + "' is not one of " + TIERS.stream().sorted().toList());
            }
            if ("openai".equals(m.provider()) || "anthropic".equals(m.provider())) {
                if (m.baseUrl() == null) {
                    errors.add(k + ".base_url: required for provider " + m.provider());
                } else {
                    String urlError = checkUrl(m.baseUrl());
                    if (urlError != null) errors.add(k + ".base_url: '" + m.baseUrl() + "' " + urlError);
                }
                if (m.apiKeyEnv() != null && env.apply(m.apiKeyEnv()) == null) {
                    errors.add(k + ".api_key_env: environment variable " + m.apiKeyEnv() + " is not set");
                }
            }
            for (Map.Entry<String, String> h : m.headers().entrySet()) {
                if (!h.getKey().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                    errors.add(k + ".headers: '" + h.getKey() + "' is not a valid HTTP header name");
                }
                if (h.getValue() == null || h.getValue().chars().anyMatch(ch -> ch == '\r' || ch == '\n')) {
                    errors.add(k + ".headers." + h.getKey() + ": value must be a single line of text");
                }
            }
            for (String ref : m.headerEnvRefs()) {
                if (env.apply(ref) == null) errors.add(k + ".headers: environment variable " + ref + " is not set");
            }
            ModelConfig.TimeoutConfig t = m.timeouts();
            if (t.connectMs() < 1) errors.add(k + ".timeouts.connect_ms: must be at least 1, was " + t.connectMs());
            if (t.firstByteMs() < 1) errors.add(k + ".timeouts.first_byte_ms: must be at least 1, was " + t.firstByteMs());
            if (t.idleMs() < 1) errors.add(k + ".timeouts.idle_ms: must be at least 1, was " + t.idleMs());
            if (!ModelConfig.MockConfig.FAULTS.contains(m.mock().fault())) {
                errors.add(k + ".mock.fault: '" + m.mock().fault() + "' is not one of " + ModelConfig.MockConfig.FAULTS.stream().sorted().toList());
            }
            if (m.mock().answerTokens() < 1) errors.add(k + ".mock.answer_tokens: must be at least 1, was " + m.mock().answerTokens());
            if (m.mock().ttftMs() < 0) errors.add(k + ".mock.ttft_ms: must be >= 0, was " + m.mock().ttftMs());
            if (m.mock().tokensPerSecond() < 0) errors.add(k + ".mock.tokens_per_second: must be >= 0, was " + m.mock().tokensPerSecond());
            if ("replay".equals(m.provider())) {
                ModelConfig.ReplayConfig r = m.replay();
                if (r == null || r.file() == null) {
                    errors.add(k + ".replay.file: required for provider replay (a CSV with a 'prompt' column)");
                } else {
                    String problem = dev.tokenwise.gateway.provider.replay.RecordedAnswers.problem(Path.of(r.file()), r.column());
                    if (problem != null) errors.add(k + ".replay: " + problem);
                }
            } else if (m.replay() != null) {
                errors.add(k + ".replay: only allowed with provider replay, provider is '" + m.provider() + "'");
            }
        }
        ResilienceConfig r = c.resilience();
        if (r.maxRetries() < 0 || r.maxRetries() > 10) errors.add("resilience.max_retries: must be 0..10, was " + r.maxRetries());
        if (r.backoffMs() < 0) errors.add("resilience.backoff_ms: must be >= 0, was " + r.backoffMs());
        if (r.maxBackoffMs() < r.backoffMs()) errors.add("resilience.max_backoff_ms: must be >= backoff_ms, was " + r.maxBackoffMs());
        if (r.breakerFailures() < 1) errors.add("resilience.breaker_failures: must be >= 1, was " + r.breakerFailures());
        if (r.breakerOpenMs() < 0) errors.add("resilience.breaker_open_ms: must be >= 0, was " + r.breakerOpenMs());
        r.fallbacks().forEach((model, chain) -> {
            if (!c.models().containsKey(model)) errors.add("resilience.fallbacks." + model + ": no such model in 'models'");
            for (String fb : chain == null ? java.util.List.<String>of() : chain) {
                if (!c.models().containsKey(fb)) errors.add("resilience.fallbacks." + model + ": fallback '" + fb + "' is not a configured model");
            }
        });
        c.cache().validate(errors);
        errors.addAll(c.pricing().problems());
        errors.addAll(ledgerProblems(c.ledger()));
        c.keys().validate(errors);
        errors.addAll(c.context().validate(c.models()));
        errors.addAll(c.routing().problems(c.models()));
        if (!errors.isEmpty()) {
            throw new ConfigException("invalid configuration:\n  - " + String.join("\n  - ", errors));
        }
        return c;
    }

    private List<String> ledgerProblems(LedgerConfig l) {
        List<String> errors = new ArrayList<>();
        if (l.url() != null && !(l.url().startsWith("jdbc:sqlite:") || l.url().startsWith("jdbc:postgresql://"))) {
            errors.add("ledger.url: '" + l.url() + "' is neither jdbc:sqlite:... nor jdbc:postgresql://...");
        }
        for (String k : new String[] {l.usernameEnv(), l.passwordEnv()}) {
            if (k != null && env.apply(k) == null) {
                errors.add("ledger." + (k.equals(l.usernameEnv()) ? "username_env" : "password_env")
                        + ": environment variable " + k + " is not set");
            }
        }
        if (l.flushIntervalMs() < 1 || l.flushIntervalMs() > 60_000) {
            errors.add("ledger.flush_interval_ms: must be 1..60000, was " + l.flushIntervalMs());
        }
        if (l.batchSize() < 1) errors.add("ledger.batch_size: must be at least 1, was " + l.batchSize());
        if (l.queueCapacity() < l.batchSize()) {
            errors.add("ledger.queue_capacity: must be at least batch_size (" + l.batchSize() + "), was " + l.queueCapacity());
        }
        if (l.enqueueTimeoutMs() < 0) errors.add("ledger.enqueue_timeout_ms: must be >= 0, was " + l.enqueueTimeoutMs());
        if (l.poolSize() < 2) errors.add("ledger.pool_size: must be at least 2 (writer + readers), was " + l.poolSize());
        return errors;
    }

    /** Null when the URL is an absolute http(s) URL, else what is wrong with it. */
    public static String checkUrl(String url) {
        try {
            URI u = new URI(url);
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
                return "is not an http(s) URL";
            }
            if (u.getHost() == null) return "has no host";
            return null;
        } catch (URISyntaxException e) {
            return "is malformed: " + e.getReason();
        }
    }
}
