package dev.tokenwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.core.wire.Json;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoCommandTest {
    private JsonNode demo(String... extra) {
        DemoCommand cmd = new DemoCommand();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        cmd.out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        String[] args = new String[extra.length + 1];
        args[0] = "--json";
        System.arraycopy(extra, 0, args, 1, extra.length);
        assertThat(new CommandLine(cmd).execute(args)).isZero();
        return Json.parse(buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void the_json_bill_is_the_ledgers_sample_scaled_to_fifty_thousand_users() {
        JsonNode r = demo("--requests", "150", "--requests-per-user", "60");
        assertThat(r.path("requests").asLong()).isEqualTo(150);
        assertThat(r.path("failed").asInt()).isZero();
        assertThat(r.has("quality")).isTrue();
        assertThat(r.path("by_strategy").isObject()).isTrue();
        assertThat(r.path("scale").path("monthly_requests").asLong()).isEqualTo(3_000_000);
        double perRequest = r.path("sample").path("baseline_usd").asDouble() / 150;
        assertThat(r.path("baseline_usd").asDouble()).isCloseTo(perRequest * 3_000_000, org.assertj.core.data.Offset.offset(1.0));
        assertThat(r.path("baseline_usd").asDouble()).isPositive();
        assertThat(r.path("actual_usd").asDouble()).isLessThanOrEqualTo(r.path("baseline_usd").asDouble() + 0.01);
        assertThat(r.path("price_sheet").asText()).isEqualTo("seed-2025");
        assertThat(r.path("by_feature").has("support-chat")).isTrue();
    }

    @Test
    void the_same_seed_gives_the_same_bill() {
        JsonNode a = demo("--requests", "60", "--seed", "7");
        JsonNode b = demo("--requests", "60", "--seed", "7");
        assertThat(a.path("baseline_usd")).isEqualTo(b.path("baseline_usd"));
        assertThat(a.path("actual_usd")).isEqualTo(b.path("actual_usd"));
    }
}
