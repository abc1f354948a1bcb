package dev.tokenwise.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenwise.gateway.config.GatewayConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ServeCommandTest {
    record Run(int exit, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, err.toString());
    }

    @Test
    void an_invalid_config_fails_at_startup_with_one_line_naming_the_key(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("tokenwise.yaml");
        Files.writeString(cfg, "models:\n  gpt-4o:\n    provider: openai\n    base_url: https://api.openai.com/v1\n    api_key_env: TOKENWISE_TEST_SURELY_UNSET\n");
        Run r = run("serve", "--config", cfg.toString(), "--port", "0");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("models.gpt-4o.api_key_env").contains("TOKENWISE_TEST_SURELY_UNSET is not set")
                .doesNotContain("Exception");
    }

    @Test
    void a_malformed_upstream_url_is_a_one_line_error() {
        Run r = run("serve", "--upstream", "localhost:8000", "--port", "0");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("--upstream 'localhost:8000'");
    }

    @Test
    void upstream_quick_start_proxies_any_model_name() {
        GatewayConfig c = ServeCommand.load(null, "http://127.0.0.1:8000/v1");
        assertThat(c.models()).containsKeys("gpt-4o", "*");
        assertThat(c.models().get("*").provider()).isEqualTo("openai");
        assertThat(c.models().get("*").baseUrl()).isEqualTo("http://127.0.0.1:8000/v1");
        assertThatThrownBy(() -> ServeCommand.load(Path.of("x.yaml"), "http://h/v1")).isInstanceOf(UserException.class);
    }

    @Test
    void mock_upstream_rejects_an_unknown_fault() {
        Run r = run("mock-upstream", "--fault", "explode", "--port", "0");
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.err).contains("--fault 'explode' is not one of");
    }
}
