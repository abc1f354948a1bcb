package dev.tokenwise.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenwise.gateway.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
    final ConfigLoader loader = new ConfigLoader(Map.of("OPENAI_API_KEY", "sk-x")::get);

    GatewayConfig load(String yaml) {
        return loader.validate(loader.parse(yaml));
    }

    void rejects(String yaml, String... fragments) {
        assertThatThrownBy(() -> load(yaml)).isInstanceOf(ConfigException.class).satisfies(e -> {
            for (String f : fragments) assertThat(e.getMessage()).contains(f);
        });
    }

    @Test
    void a_full_model_entry_loads_with_its_timeouts() {
        GatewayConfig c = load("""
                models:
                  gpt-4o:
                    provider: openai
                    upstream_model: gpt-4o-2024-08-06
                    base_url: https://api.openai.com/v1
                    api_key_env: OPENAI_API_KEY
                    tier: large
                    timeouts: { connect_ms: 1500, idle_ms: 2000 }
                """);
        ModelConfig m = c.models().get("gpt-4o");
        assertThat(m.upstreamModel()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(m.timeouts()).isEqualTo(new ModelConfig.TimeoutConfig(1500, 300_000, 2000));
    }

    @Test
    void an_unknown_key_is_named_with_its_path() {
        rejects("models:\n  a:\n    provider: openai\n    base_ur1: https://x\n", "unknown key 'models.a.base_ur1'", "base_url");
    }

    @Test
    void an_unknown_key_in_timeouts_is_named() {
        rejects("models:\n  a:\n    provider: mock\n    timeouts: { read_ms: 5 }\n", "unknown key 'models.a.timeouts.read_ms'");
    }

    @Test
    void a_missing_environment_variable_names_the_key_and_the_variable() {
        rejects("models:\n  a:\n    provider: openai\n    base_url: https://api.openai.com/v1\n    api_key_env: NOPE_KEY\n",
                "models.a.api_key_env", "NOPE_KEY is not set");
    }

    @Test
    void a_malformed_url_names_the_key_and_the_value() {
        rejects("models:\n  a:\n    provider: openai\n    base_url: 'ftp//api openai'\n", "models.a.base_url", "'ftp//api openai'");
        rejects("models:\n  a:\n    provider: anthropic\n    base_url: api.anthropic.com/v1\n",
                "models.a.base_url: 'api.anthropic.com/v1' is not an http(s) URL");
    }

    @Test
    void a_missing_base_url_is_named() {
        rejects("models:\n  a:\n    provider: openai\n", "models.a.base_url: required for provider openai");
    }

    @Test
    void an_unknown_provider_names_the_value_and_the_choices() {
        rejects("models:\n  a:\n    provider: gemini\n", "models.a.provider: unknown provider 'gemini'", "anthropic", "replay");
    }

    @Test
    void a_missing_replay_file_names_the_key_and_the_path() {
        rejects("models:\n  a:\n    provider: replay\n    replay: { file: /nope/answers.csv, column: m }\n",
                "models.a.replay: file '/nope/answers.csv' does not exist");
        rejects("models:\n  a:\n    provider: replay\n", "models.a.replay.file: required for provider replay");
    }

    @Test
    void an_unknown_replay_column_lists_the_columns(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("r.csv");
        Files.writeString(csv, "prompt,m_response\nhi,hello\n");
        rejects("models:\n  a:\n    provider: replay\n    replay: { file: '" + csv + "', column: other }\n",
                "models.a.replay: column 'other' is not in", "[prompt, m_response]");
    }

    @Test
    void bad_timeouts_and_mock_faults_are_named() {
        rejects("models:\n  a:\n    provider: mock\n    timeouts: { idle_ms: 0 }\n", "models.a.timeouts.idle_ms: must be at least 1, was 0");
        rejects("models:\n  a:\n    provider: mock\n    mock: { fault: explode }\n", "models.a.mock.fault: 'explode' is not one of");
    }

    @Test
    void extra_headers_are_checked_for_names_and_environment_variables() {
        rejects("models:\n  a:\n    provider: openai\n    base_url: https://x.example/v1\n    headers: { 'bad header': x }\n",
                "models.a.headers: 'bad header' is not a valid HTTP header name");
        rejects("models:\n  a:\n    provider: openai\n    base_url: https://x.example/v1\n    headers: { api-key: '${AZURE_KEY}' }\n",
                "models.a.headers: environment variable AZURE_KEY is not set");
        ModelConfig m = load("models:\n  a:\n    provider: openai\n    base_url: https://x.example/v1\n"
                + "    headers: { OpenAI-Organization: org-1, X-Key: 'Bearer ${OPENAI_API_KEY}' }\n").models().get("a");
        assertThat(m.resolvedHeaders(Map.of("OPENAI_API_KEY", "sk-x")::get))
                .containsExactly(Map.entry("OpenAI-Organization", "org-1"), Map.entry("X-Key", "Bearer sk-x"));
    }

    @Test
    void a_wrong_value_type_names_the_key() {
        rejects("models:\n  a:\n    provider: mock\n    timeouts: { idle_ms: soon }\n", "models.a.timeouts.idle_ms");
    }

    @Test
    void every_problem_is_reported_at_once() {
        rejects("models:\n  a:\n    provider: gemini\n  b:\n    provider: openai\n    base_url: nope\n    tier: huge\n",
                "models.a.provider", "models.b.base_url", "models.b.tier: 'huge'");
    }

    @Test
    void relative_replay_files_are_relative_to_the_config_file(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/r.csv"), "prompt,m_response\nhi,hello\n");
        Files.writeString(dir.resolve("tokenwise.yaml"), "models:\n  a:\n    provider: replay\n    replay: { file: data/r.csv, column: m }\n");
        GatewayConfig c = loader.load(dir.resolve("tokenwise.yaml"));
        assertThat(c.models().get("a").replay().file()).isEqualTo(dir.resolve("data/r.csv").toString());
    }

    static Stream<Path> examples() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("examples"))) dir = dir.getParent();
        if (dir == null) throw new IllegalStateException("examples/ not found");
        return Files.list(dir.resolve("examples")).filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void every_example_config_is_valid(Path example) throws IOException {
        ConfigLoader withAllKeys = new ConfigLoader(name -> "key-for-" + name);
        String yaml = Files.readString(example);
        if (example.getFileName().toString().startsWith("replay")) {
            // point the example at the shared data wherever this checkout sits
            yaml = yaml.replace("../../shared", SharedData.dir().toString());
        }
        GatewayConfig c = withAllKeys.validate(ConfigLoader.resolveFiles(withAllKeys.parse(yaml), example.getParent()));
        assertThat(c.models()).isNotEmpty();
    }
}
