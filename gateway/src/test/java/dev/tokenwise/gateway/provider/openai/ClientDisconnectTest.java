package dev.tokenwise.gateway.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.testing.TestGateway;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A client that hangs up mid-stream makes the gateway drop the upstream call, not read it to the end. */
class ClientDisconnectTest {
    @Test
    void when_the_client_goes_away_the_upstream_connection_is_closed_promptly() throws Exception {
        CompletableFuture<Long> upstreamSawClose = new CompletableFuture<>();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread upstream = Thread.ofVirtual().start(() -> serveSlowStream(server, upstreamSawClose));
            String base = "http://127.0.0.1:" + server.getLocalPort() + "/v1";
            GatewayConfig cfg = new GatewayConfig(null, Map.of("m", ModelConfig.openai(null, base, null, null)));
            try (TestGateway gw = TestGateway.start(cfg)) {
                HttpClient http = HttpClient.newHttpClient();
                HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/chat/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString(TestGateway.chat("m", "hi", true))).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                BufferedReader reader = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
                assertThat(reader.readLine()).startsWith("data: {");
                long closedAt = System.nanoTime();
                reader.close();
                http.close();
                long sawClose = upstreamSawClose.get(10, TimeUnit.SECONDS);
                // the slow upstream would need 30 s to finish; the gateway hangs up within a few chunks
                assertThat((sawClose - closedAt) / 1_000_000).isLessThan(5_000);
            }
            upstream.join(5_000);
        }
    }

    /** Accepts one request and sends a chunk every 100 ms for 30 s; records when the peer hangs up. */
    private static void serveSlowStream(ServerSocket server, CompletableFuture<Long> sawClose) {
        try (Socket s = server.accept()) {
            InputStream in = s.getInputStream();
            String head = readHead(in);
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
            }
            in.readNBytes(length);
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 300; i++) {
                var chunk = dev.tokenwise.core.wire.Chunks.content("chatcmpl-slow", "m", 1L, "word" + i + " ");
                out.write(("data: " + Json.write(chunk) + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(100);
            }
            sawClose.completeExceptionally(new AssertionError("the gateway read the whole stream"));
        } catch (IOException e) {
            sawClose.complete(System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            sb.append((char) c);
            if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) break;
        }
        return sb.toString();
    }
}
