package dev.tokenwise.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.core.wire.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The server's HTTP/1.1 behaviour on raw sockets: keep-alive, bodies, limits and the JSON errors. */
class HttpServerTest {
    private static HttpServer server(long idleMs, Consumer<Routes> routes) {
        return HttpServer.start("127.0.0.1", 0, 1024, idleMs, 1_000, routes);
    }

    private static Consumer<Routes> echo() {
        return r -> {
            r.post("/echo", c -> c.json(c.body()));
            r.get("/items/{id}", c -> c.json(Json.bytes(Json.object().put("id", c.pathParam("id")).put("q", c.queryParam("q")))));
        };
    }

    /** One response: its status, head and body. */
    private record Reply(int status, String head, String body) {}

    private static void send(Socket s, String raw) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Test
    void one_connection_carries_many_requests_including_chunked_bodies_and_unread_ones() throws Exception {
        try (HttpServer srv = server(5_000, echo()); Socket s = new Socket("127.0.0.1", srv.port())) {
            s.setSoTimeout(5_000);
            // one read of the socket is not one reply: keep one buffered reader over the whole connection
            InputStream in = new java.io.BufferedInputStream(s.getInputStream());
            send(s, "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
            Reply a = readOne(in);
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.body()).isEqualTo("{\"a\":1}");
            send(s, "POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"b\r\n4\r\n\":2}\r\n0\r\n\r\n");
            assertThat(readOne(in).body()).isEqualTo("{\"b\":2}");
            // a body the handler never reads (404) is skipped, so the next request still parses
            send(s, "POST /nowhere HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
            Reply missing = readOne(in);
            assertThat(missing.status()).isEqualTo(404);
            assertThat(Json.parse(missing.body()).path("error").path("message").asText()).contains("POST /nowhere");
            send(s, "GET /items/abc%20d?q=x%2By HTTP/1.1\r\nHost: a\r\n\r\n");
            Reply item = readOne(in);
            assertThat(Json.parse(item.body()).path("id").asText()).isEqualTo("abc d");
            assertThat(Json.parse(item.body()).path("q").asText()).isEqualTo("x+y");
        }
    }

    /**
     * Reads one response (head, then a Content-Length or chunked body) byte by byte, so that
     * replies read one after another from the same stream lose nothing between them.
     */
    private static Reply readOne(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) return null;
            head.append((char) c);
        }
        String[] lines = head.toString().split("\r\n");
        int length = 0;
        boolean chunked = false;
        for (String l : lines) {
            String x = l.toLowerCase();
            if (x.startsWith("content-length:")) length = Integer.parseInt(x.substring(15).trim());
            if (x.startsWith("transfer-encoding:") && x.contains("chunked")) chunked = true;
        }
        StringBuilder body = new StringBuilder();
        if (chunked) {
            while (true) {
                StringBuilder sizeLine = new StringBuilder();
                for (int c = in.read(); c != '\n'; c = in.read()) if (c != '\r') sizeLine.append((char) c);
                int size = Integer.parseInt(sizeLine.toString().trim(), 16);
                byte[] chunk = in.readNBytes(size);
                in.readNBytes(2);
                if (size == 0) break;
                body.append(new String(chunk, StandardCharsets.UTF_8));
            }
        } else {
            body.append(new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }
        return new Reply(Integer.parseInt(lines[0].split(" ")[1]), head.toString(), body.toString());
    }

    @Test
    void limits_and_malformed_requests_get_json_errors_and_the_server_keeps_serving() throws Exception {
        try (HttpServer srv = server(5_000, echo())) {
            try (Socket s = new Socket("127.0.0.1", srv.port())) {
                s.setSoTimeout(5_000);
                send(s, "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n" + "x".repeat(5000));
                Reply r = readOne(new java.io.BufferedInputStream(s.getInputStream()));
                assertThat(r.status()).isEqualTo(413);
                assertThat(Json.parse(r.body()).path("error").path("type").asText()).isNotBlank();
            }
            try (Socket s = new Socket("127.0.0.1", srv.port())) {
                s.setSoTimeout(5_000);
                send(s, "THIS IS NOT HTTP\r\n\r\n");
                Reply r = readOne(new java.io.BufferedInputStream(s.getInputStream()));
                assertThat(r.status()).isEqualTo(400);
                assertThat(r.head()).containsIgnoringCase("connection: close");
                assertThat(Json.parse(r.body()).path("error").path("code").asText()).isEqualTo("malformed_request");
            }
            try (Socket s = new Socket("127.0.0.1", srv.port())) {
                s.setSoTimeout(5_000);
                send(s, "DELETE /echo HTTP/1.1\r\nHost: a\r\n\r\n");
                Reply r = readOne(new java.io.BufferedInputStream(s.getInputStream()));
                assertThat(r.status()).isEqualTo(405);
                assertThat(Json.parse(r.body()).path("error").path("code").asText()).isEqualTo("method_not_allowed");
            }
            try (Socket s = new Socket("127.0.0.1", srv.port())) {
                s.setSoTimeout(5_000);
                send(s, "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
                Reply cont = readOne(new java.io.BufferedInputStream(s.getInputStream(), 1));
                assertThat(cont.status()).isEqualTo(100);
                send(s, "{}");
                assertThat(readOne(new java.io.BufferedInputStream(s.getInputStream())).body()).isEqualTo("{}");
            }
            try (Socket s = new Socket("127.0.0.1", srv.port())) {
                s.setSoTimeout(5_000);
                send(s, "POST /echo HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}");
                InputStream in = new java.io.BufferedInputStream(s.getInputStream());
                Reply r = readOne(in);
                assertThat(r.status()).isEqualTo(200);
                assertThat(in.read()).as("an HTTP/1.0 request without keep-alive closes the connection").isEqualTo(-1);
            }
        }
    }

    @Test
    void a_client_that_stops_reading_a_stream_is_cut_off_after_the_idle_timeout() throws Exception {
        CompletableFuture<Long> writerStopped = new CompletableFuture<>();
        Consumer<Routes> flood = r -> r.get("/flood", c -> {
            OutputStream out = c.openStream();
            long start = System.nanoTime();
            byte[] block = new byte[64 * 1024];
            try {
                for (int i = 0; i < 100_000; i++) {
                    out.write(block);
                    out.flush();
                }
            } catch (IOException cut) {
                writerStopped.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                throw cut;
            }
        });
        try (HttpServer srv = server(300, flood); Socket s = new Socket("127.0.0.1", srv.port())) {
            s.setReceiveBufferSize(4096);
            send(s, "GET /flood HTTP/1.1\r\nHost: a\r\n\r\n");
            // never read: the server's writes block once the socket buffers are full
            long ms = writerStopped.get(10, TimeUnit.SECONDS);
            assertThat(ms).as("the blocked write was cut off by the idle timeout").isLessThan(10_000);
        }
    }

    @Test
    void closing_refuses_new_connections_and_closes_idle_ones() throws Exception {
        HttpServer srv = server(30_000, echo());
        Socket idle = new Socket("127.0.0.1", srv.port());
        idle.setSoTimeout(5_000);
        send(idle, "GET /items/1 HTTP/1.1\r\nHost: a\r\n\r\n");
        InputStream in = new java.io.BufferedInputStream(idle.getInputStream());
        assertThat(readOne(in).status()).isEqualTo(200);
        long start = System.nanoTime();
        srv.close();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).as("no in-flight request to wait for").isLessThan(900);
        assertThat(in.read()).as("the idle keep-alive connection is closed").isEqualTo(-1);
        idle.close();
    }

    @Test
    void a_connection_over_the_limit_gets_a_503_and_the_others_keep_working() throws Exception {
        Router r = new Router();
        echo().accept(r);
        HttpServer srv = new HttpServer(r, 1024, 5_000, 1_000, 2).start("127.0.0.1", 0);
        try (srv; Socket a = new Socket("127.0.0.1", srv.port()); Socket b = new Socket("127.0.0.1", srv.port())) {
            a.setSoTimeout(5_000);
            send(a, "GET /items/1 HTTP/1.1\r\nHost: a\r\n\r\n");
            InputStream inA = new java.io.BufferedInputStream(a.getInputStream());
            assertThat(readOne(inA).status()).isEqualTo(200);
            b.setSoTimeout(5_000);
            send(b, "GET /items/2 HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(readOne(new java.io.BufferedInputStream(b.getInputStream())).status()).isEqualTo(200);
            try (Socket c = new Socket("127.0.0.1", srv.port())) {
                c.setSoTimeout(5_000);
                Reply refused = readOne(new java.io.BufferedInputStream(c.getInputStream()));
                assertThat(refused.status()).isEqualTo(503);
                assertThat(Json.parse(refused.body()).path("error").path("code").asText()).isEqualTo("too_many_connections");
            }
            send(a, "GET /items/3 HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(readOne(inA).status()).isEqualTo(200);
        }
    }
}
