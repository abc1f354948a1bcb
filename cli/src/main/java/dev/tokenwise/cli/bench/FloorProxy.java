package dev.tokenwise.cli.bench;

import dev.tokenwise.gateway.config.ModelConfig.TimeoutConfig;
import dev.tokenwise.gateway.config.ServerConfig;
import dev.tokenwise.gateway.provider.http.UpstreamHttp;
import dev.tokenwise.gateway.server.HttpServer;
import io.javalin.Javalin;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Proxies that do nothing but forward, to measure what the overhead rig allows at all: the added
 * latency and CPU of a hop with no pipeline behind it. {@link #PASSTHROUGH} is the gateway's own
 * HTTP stack ({@link HttpServer} in, the gateway's pooled OkHttp client out); {@link #JETTY} the
 * server the gateway had before (Javalin on Jetty with virtual threads) with the same client;
 * {@link #BLOCKING} is the cheapest hop the JDK allows: one platform thread per client connection
 * that owns one keep-alive upstream socket, so a request is never handed from one thread to another.
 */
enum FloorProxy {
    PASSTHROUGH {
        @Override
        Running start(String upstreamBaseUrl) {
            UpstreamHttp http = new UpstreamHttp(InstantSource.system());
            String target = upstreamBaseUrl + "/chat/completions";
            HttpServer server = HttpServer.start("127.0.0.1", 0, ServerConfig.DEFAULT_MAX_BODY, 30_000, 1_000,
                    routes -> routes.post("/chat/completions", call -> {
                        Forwarded f = forward(http, target, call.body());
                        call.status(f.status()).json(f.body());
                    }));
            return new Running("http://127.0.0.1:" + server.port(), () -> {
                server.close();
                http.close();
            });
        }
    },
    JETTY {
        @Override
        Running start(String upstreamBaseUrl) {
            UpstreamHttp http = new UpstreamHttp(InstantSource.system());
            String target = upstreamBaseUrl + "/chat/completions";
            Javalin app = Javalin.create(cfg -> {
                cfg.useVirtualThreads = true;
                cfg.showJavalinBanner = false;
                cfg.startupWatcherEnabled = false;
                cfg.http.disableCompression();
                cfg.jetty.modifyHttpConfiguration(h -> h.setSendServerVersion(false));
            });
            app.post("/chat/completions", ctx -> {
                Forwarded f = forward(http, target, ctx.bodyAsBytes());
                ctx.status(f.status()).contentType("application/json").result(f.body());
            });
            app.start("127.0.0.1", 0);
            return new Running("http://127.0.0.1:" + app.port(), () -> {
                app.stop();
                http.close();
            });
        }
    },
    BLOCKING {
        @Override
        Running start(String upstreamBaseUrl) throws IOException {
            URI up = URI.create(upstreamBaseUrl);
            ServerSocket server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
            Set<Socket> open = ConcurrentHashMap.newKeySet();
            Thread acceptor = Thread.ofPlatform().name("blocking-proxy-accept").daemon().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket client = server.accept();
                        open.add(client);
                        Thread.ofPlatform().daemon().start(() -> serve(client, up, open));
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            return new Running("http://127.0.0.1:" + server.getLocalPort(), () -> {
                server.close();
                for (Socket s : open) s.close();
                acceptor.join(5_000);
            });
        }
    };

    private static final MediaType JSON = MediaType.get("application/json");

    /** An upstream answer as the pass-through proxies relay it. */
    private record Forwarded(int status, byte[] body) {}

    /** Posts a body to the upstream with the gateway's client (failures as the gateway maps them). */
    private static Forwarded forward(UpstreamHttp http, String target, byte[] body) throws IOException {
        Request up = new Request.Builder().url(target).post(RequestBody.create(body, JSON)).build();
        try (Response r = http.execute("bench", up, TimeoutConfig.DEFAULT)) {
            return new Forwarded(r.code(), r.body().bytes());
        }
    }

    /** A started proxy: its base URL and how to stop it. */
    record Running(String baseUrl, Stopper stopper) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            stopper.stop();
        }
    }

    interface Stopper {
        void stop() throws Exception;
    }

    abstract Running start(String upstreamBaseUrl) throws IOException;

    /** The proxy named on the command line ({@code passthrough}, {@code jetty}, {@code blocking}). */
    static FloorProxy of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    String role() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Forwards every request of one client connection over one upstream connection, both blocking. */
    private static void serve(Socket client, URI up, Set<Socket> open) {
        try (client; Socket upstream = new Socket()) {
            open.add(upstream);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            upstream.connect(new InetSocketAddress(up.getHost(), up.getPort()), 10_000);
            upstream.setSoTimeout(300_000);
            InputStream fromClient = new BufferedInputStream(client.getInputStream(), 16 * 1024);
            OutputStream toClient = client.getOutputStream();
            InputStream fromUpstream = new BufferedInputStream(upstream.getInputStream(), 16 * 1024);
            OutputStream toUpstream = upstream.getOutputStream();
            while (true) {
                byte[] request = message(fromClient);
                if (request == null) return;
                toUpstream.write(request);
                byte[] response = message(fromUpstream);
                if (response == null) throw new EOFException("the upstream closed the connection");
                toClient.write(response);
            }
        } catch (IOException e) {
            // the client or the upstream went away: this connection is done
        } finally {
            open.remove(client);
        }
    }

    /**
     * One HTTP/1.1 message (head and {@code content-length} body) as it arrived, or null at a clean
     * end of the stream. The rig's load generator and mock upstream always send a length.
     */
    private static byte[] message(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(1024);
        StringBuilder line = new StringBuilder(64);
        long length = 0;
        boolean first = true;
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (first && buf.size() == 0) return null;
                throw new EOFException("connection closed in the middle of a message head");
            }
            buf.write(c);
            if (c != '\n') {
                if (c != '\r') line.append((char) c);
                continue;
            }
            if (line.isEmpty()) break;
            String h = line.toString();
            if (h.regionMatches(true, 0, "content-length:", 0, 15)) length = Long.parseLong(h.substring(15).trim());
            if (h.regionMatches(true, 0, "transfer-encoding:", 0, 18)) throw new IOException("chunked bodies are not supported");
            line.setLength(0);
            first = false;
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) throw new EOFException("connection closed in the middle of a body");
        buf.write(body);
        return buf.toByteArray();
    }
}
