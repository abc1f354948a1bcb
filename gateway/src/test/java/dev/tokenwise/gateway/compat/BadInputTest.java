package dev.tokenwise.gateway.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokenwise.gateway.testing.EmbeddedAndProxy;
import dev.tokenwise.gateway.testing.TestGateway;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Client mistakes get a 4xx in OpenAI's error shape, never a 5xx, both with mock models and when
 * proxying: the request is rejected before any upstream is called.
 */
class BadInputTest {
    static EmbeddedAndProxy gateways;

    @BeforeAll
    static void start() {
        gateways = EmbeddedAndProxy.start();
    }

    @AfterAll
    static void stop() {
        gateways.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed JSON                | {"model": "gpt-4o", "messages": [              | 400 | invalid_json | 
            not an object                 | [1, 2, 3]                                      | 400 | invalid_json | 
            trailing garbage              | {"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]} x | 400 | invalid_json |
            missing model                 | {"messages":[{"role":"user","content":"hi"}]}  | 400 | invalid_request | model
            model is a number             | {"model":4,"messages":[{"role":"user","content":"hi"}]} | 400 | invalid_request | model
            messages is a string          | {"model":"gpt-4o","messages":"hi"}             | 400 | invalid_request | messages
            empty messages                | {"model":"gpt-4o","messages":[]}               | 400 | invalid_request | messages
            message without role          | {"model":"gpt-4o","messages":[{"content":"hi"}]} | 400 | invalid_request | messages[0].role
            unknown role                  | {"model":"gpt-4o","messages":[{"role":"robot","content":"hi"}]} | 400 | invalid_request | messages[0].role
            content is a number           | {"model":"gpt-4o","messages":[{"role":"user","content":5}]} | 400 | invalid_request | messages[0].content
            stream is a string            | {"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"stream":"yes"} | 400 | invalid_request | stream
            max_tokens is a string        | {"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"max_tokens":"10"} | 400 | invalid_request | max_tokens
            temperature out of range      | {"model":"gpt-4o","messages":[{"role":"user","content":"hi"}],"temperature":7} | 400 | invalid_request | temperature
            duplicate key                 | {"model":"gpt-4o","model":"x","messages":[{"role":"user","content":"hi"}]} | 400 | invalid_json |
            """)
    void a_client_mistake_is_a_4xx_naming_the_problem(String name, String body, int status, String code, String param) {
        for (TestGateway gw : new TestGateway[] {gateways.embedded, gateways.proxy}) {
            int before = gateways.fake.requestCount();
            HttpResponse<String> r = gw.post("/chat/completions", body);
            assertThat(r.statusCode()).as(name).isEqualTo(status);
            JsonNode err = TestGateway.json(r).path("error");
            assertThat(err.path("code").asText()).isEqualTo(code);
            assertThat(err.has("message") && err.has("type") && err.has("param")).isTrue();
            if (param != null) assertThat(err.path("param").asText()).isEqualTo(param);
            assertThat(gateways.fake.requestCount()).as("no upstream call for a bad request").isEqualTo(before);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"10 MiB body, 10485760, 413", "invalid UTF-8, -1, 400", "empty body, 0, 400"})
    void bodies_that_cannot_be_requests_are_rejected(String name, int size, int status) {
        byte[] body;
        if (size < 0) {
            body = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"\u00ff\"}]}".getBytes(StandardCharsets.ISO_8859_1);
        } else {
            body = new byte[size];
            Arrays.fill(body, (byte) ' ');
        }
        for (TestGateway gw : new TestGateway[] {gateways.embedded, gateways.proxy}) {
            HttpResponse<String> r = gw.postBytes("/chat/completions", body);
            assertThat(r.statusCode()).as(name).isEqualTo(status);
            assertThat(TestGateway.json(r).path("error").path("message").asText()).isNotBlank();
            assertThat(gw.getRoot("/healthz").statusCode()).isEqualTo(200);
        }
    }
}
