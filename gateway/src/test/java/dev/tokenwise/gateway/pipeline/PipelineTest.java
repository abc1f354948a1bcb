package dev.tokenwise.gateway.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.ChatResponse;
import dev.tokenwise.core.wire.Usage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineTest {
    private static Exchange exchange() {
        ChatRequest req = ChatRequest.parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
                .getBytes(StandardCharsets.UTF_8));
        return Exchange.create("r", Instant.EPOCH, 0, req, Map.of(), null);
    }

    @Test
    void stages_run_in_order_and_see_the_reply_on_its_way_back_for_every_request() {
        List<String> trace = new ArrayList<>();
        Stage outer = (ex, next) -> {
            trace.add("outer in");
            Reply r = next.proceed(ex);
            trace.add("outer out");
            return r;
        };
        Stage last = (ex, next) -> {
            trace.add("last");
            return Reply.fromProvider(ChatResponse.of("id", "m", 0, "ok", "stop", Usage.counted(1, 1)),
                    new UpstreamCall("m", "mock", Usage.counted(1, 1), 0));
        };
        Pipeline p = new Pipeline(List.of(outer, last));
        p.execute(exchange());
        p.execute(exchange());
        assertThat(trace).containsExactly("outer in", "last", "outer out", "outer in", "last", "outer out");
    }

    @Test
    void a_last_stage_that_passes_the_request_on_is_a_clear_error() {
        Pipeline p = new Pipeline(List.of((ex, next) -> next.proceed(ex)));
        assertThatThrownBy(() -> p.execute(exchange())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no stage follows it");
    }
}
