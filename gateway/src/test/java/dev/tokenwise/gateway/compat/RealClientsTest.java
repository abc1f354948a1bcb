package dev.tokenwise.gateway.compat;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.tokenwise.gateway.testing.EmbeddedAndProxy;
import dev.tokenwise.gateway.testing.FakeUpstream;
import dev.tokenwise.gateway.testing.TestGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The official OpenAI Java SDK and LangChain4j, unchanged but for the base URL, against the
 * gateway: with the embedded mock models, and proxying any model name to an upstream.
 */
class RealClientsTest {
    static EmbeddedAndProxy gateways;

    @BeforeAll
    static void start() {
        gateways = EmbeddedAndProxy.start();
    }

    @AfterAll
    static void stop() {
        gateways.close();
    }

    /** (gateway base URL, model name, expected text fragment) */
    record Target(String name, String baseUrl, String model, String expected) {
        @Override public String toString() { return name; }
    }

    static Stream<Target> targets() {
        return Stream.of(
                new Target("embedded mock gpt-4o", gateways.embedded.baseUrl(), "gpt-4o", "[gpt-4o] Re: Say hello"),
                new Target("upstream, any model name", gateways.proxy.baseUrl(), "my-fine-tune-v3", FakeUpstream.ANSWER));
    }

    static OpenAIClient openai(String baseUrl) {
        return OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey("sk-test").maxRetries(0).build();
    }

    @ParameterizedTest
    @MethodSource("targets")
    void openai_java_non_streaming(Target t) {
        OpenAIClient client = openai(t.baseUrl);
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(t.model).addUserMessage("Say hello").build());
        assertThat(c.choices().get(0).message().content()).hasValueSatisfying(s -> assertThat(s).contains(t.expected));
        assertThat(c.usage()).hasValueSatisfying(u -> assertThat(u.promptTokens()).isPositive());
    }

    @ParameterizedTest
    @MethodSource("targets")
    void openai_java_streaming_with_usage(Target t) {
        OpenAIClient client = openai(t.baseUrl);
        StringBuilder text = new StringBuilder();
        List<Long> usage = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model(t.model).addUserMessage("Say hello")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            s.stream().forEach(chunk -> {
                chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append));
                chunk.usage().ifPresent(u -> usage.add(u.completionTokens()));
            });
        }
        assertThat(text.toString()).contains(t.expected);
        assertThat(usage).hasSize(1);
        assertThat(usage.get(0)).isPositive();
    }

    @ParameterizedTest
    @MethodSource("targets")
    void langchain4j_chat_model(Target t) {
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(t.baseUrl).apiKey("sk-test").modelName(t.model)
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
        assertThat(model.chat("Say hello")).contains(t.expected);
    }

    @ParameterizedTest
    @MethodSource("targets")
    void langchain4j_streaming_chat_model(Target t) throws Exception {
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(t.baseUrl).apiKey("sk-test")
                .modelName(t.model).timeout(Duration.ofSeconds(20)).build();
        StringBuilder partial = new StringBuilder();
        CompletableFuture<dev.langchain4j.model.chat.response.ChatResponse> done = new CompletableFuture<>();
        model.chat("Say hello", new StreamingChatResponseHandler() {
            @Override public void onPartialResponse(String s) { partial.append(s); }
            @Override public void onCompleteResponse(dev.langchain4j.model.chat.response.ChatResponse r) { done.complete(r); }
            @Override public void onError(Throwable error) { done.completeExceptionally(error); }
        });
        dev.langchain4j.model.chat.response.ChatResponse r = done.get(20, TimeUnit.SECONDS);
        assertThat(partial.toString()).contains(t.expected);
        assertThat(r.aiMessage().text()).isEqualTo(partial.toString());
    }

    @Test
    void openai_java_raises_when_the_upstream_stream_breaks_instead_of_ending_quietly() {
        gateways.fake.disconnectMidStream();
        StringBuilder text = new StringBuilder();
        Assertions.assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> s = openai(gateways.proxy.baseUrl()).chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("hi").build())) {
                s.stream().forEach(chunk -> chunk.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
            }
        }).isInstanceOf(com.openai.errors.OpenAIException.class);
        assertThat(FakeUpstream.ANSWER).startsWith(text.toString());
    }

    @Test
    void langchain4j_streaming_reports_an_error_when_the_upstream_stream_breaks() throws Exception {
        gateways.fake.disconnectMidStream();
        OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(gateways.proxy.baseUrl()).apiKey("sk-test")
                .modelName("gpt-4o").timeout(Duration.ofSeconds(20)).build();
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        model.chat("hi", new StreamingChatResponseHandler() {
            @Override public void onPartialResponse(String s) { }
            @Override public void onCompleteResponse(dev.langchain4j.model.chat.response.ChatResponse r) { outcome.complete(r); }
            @Override public void onError(Throwable error) { outcome.complete(error); }
        });
        assertThat(outcome.get(20, TimeUnit.SECONDS)).isInstanceOf(Throwable.class);
    }

    @Test
    void openai_java_sees_an_upstream_429_as_its_rate_limit_exception() {
        gateways.fake.rateLimited(2);
        Assertions.assertThatThrownBy(() -> openai(gateways.proxy.baseUrl()).chat().completions().create(
                        ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("hi").build()))
                .isInstanceOf(RateLimitException.class);
    }
}
