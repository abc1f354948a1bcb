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
            return validate(parse(Files.readString(file)));
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
        }
        errors.addAll(c.pricing().problems());
        errors.addAll(ledgerProblems(c.ledger()));
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
