package dev.tokenwise.gateway.provider.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.core.error.GatewayException;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UpstreamHttpTest {
    static final InstantSource NOW = InstantSource.fixed(Instant.parse("2025-06-01T12:00:00Z"));

    @ParameterizedTest(name = "Retry-After ''{0}'' is {1} ms")
    @CsvSource(delimiter = '|', textBlock = """
            7                              | 7000
            0.5                            | 500
            Sun, 01 Jun 2025 12:00:30 GMT  | 30000
            Sun, 01 Jun 2025 11:59:00 GMT  | 0
            soon                           | -1
            """)
    void retry_after_is_read_as_seconds_or_an_http_date(String header, long millis) {
        assertThat(UpstreamHttp.parseRetryAfter(header, NOW)).isEqualTo(millis);
    }

    @ParameterizedTest(name = "upstream {0} -> {1}")
    @CsvSource({
            "400, 400, false", "413, 413, false", "422, 422, false",
            "401, 502, false", "403, 502, false", "404, 502, false",
            "408, 502, true", "409, 502, false", "429, 429, true",
            "500, 502, true", "503, 502, true", "529, 502, true", "307, 502, false", "600, 502, false"})
    void upstream_statuses_map_to_what_the_client_should_see(int upstream, int client, boolean retryable) {
        GatewayException e = UpstreamHttp.fromStatus("openai", upstream,
                "{\"error\":{\"message\":\"boom\",\"type\":\"x\",\"param\":null,\"code\":null}}", 2000);
        assertThat(e.status()).isEqualTo(client);
        assertThat(e.retryable()).isEqualTo(retryable);
        assertThat(e.provider()).isEqualTo("openai");
        assertThat(e.getMessage()).contains("boom");
        assertThat(e.retryAfterMillis()).isEqualTo(retryable ? 2000 : -1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}} | Overloaded
            <html>502 Bad Gateway</html>                                              | <html>502 Bad Gateway</html>
            {"message":"model not loaded"}                                            | model not loaded
            """)
    void error_bodies_of_any_vendor_keep_their_message(String body, String message) {
        assertThat(UpstreamHttp.fromStatus("p", 500, body, -1).getMessage()).contains(message);
    }
}
