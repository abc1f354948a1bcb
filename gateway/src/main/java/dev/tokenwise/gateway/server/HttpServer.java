package dev.tokenwise.gateway.server;

import dev.tokenwise.core.error.GatewayException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.ProtocolVersion;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultBHttpServerConnection;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's HTTP/1.1 server: one thread per client connection, blocking reads and writes, so a
 * request is parsed, run through the pipeline, sent upstream and answered on the thread that read
 * it, with no hand-off between threads (docs/benchmarks.md, "Gateway overhead", shows what the
 * hand-offs of a selector-based server cost on two cores). HttpCore's classic connection parses
 * and writes messages; this class owns the connections, the limits and the shutdown.
 *
 * <p>Limits: a head line over 16 KiB or more than 100 header fields is a 431, a body over the
 * configured size a 413; a connection silent for the idle timeout is closed (which also cuts off
 * slow-loris clients), and so is one whose client stops reading a response for that long. Past
 * {@link #MAX_CONNECTIONS} open connections new ones get a 503.
 *
 * <p>Connections run on platform threads; {@code -Dtokenwise.server.virtualThreads=true} runs them
 * on virtual threads instead (an A/B switch for {@code bench overhead}).
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    /** Pending connections the kernel queues before they are accepted (capped by net.core.somaxconn). */
    static final int ACCEPT_QUEUE = 1024;
    static final int MAX_HEAD_LINE = 16 * 1024;
    static final int MAX_HEADERS = 100;
    public static final int MAX_CONNECTIONS = 10_000;
    static final long LINGER_MS = 3_000;
    static final long LINGER_BYTES = 64L << 20;
    private static final Http1Config H1 = Http1Config.custom()
            .setMaxLineLength(MAX_HEAD_LINE).setMaxHeaderCount(MAX_HEADERS).setMaxEmptyLineCount(10).build();

    private final Router router;
    private final long maxBodyBytes;
    private final long idleTimeoutMs;
    private final long shutdownGraceMs;
    private final int maxConnections;
    private final boolean virtualThreads = Boolean.getBoolean("tokenwise.server.virtualThreads");
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closing;
    private ServerSocket server;
    private Thread acceptor;
    private Thread watchdog;

    HttpServer(Router router, long maxBodyBytes, long idleTimeoutMs, long shutdownGraceMs, int maxConnections) {
        this.router = router;
        this.maxBodyBytes = maxBodyBytes;
        this.idleTimeoutMs = idleTimeoutMs;
        this.shutdownGraceMs = shutdownGraceMs;
        this.maxConnections = maxConnections;
    }

    /**
     * A bare server with the given routes and the gateway's error answers (used by the overhead
     * benchmark's pass-through proxy); {@link GatewayServer} is the gateway's own.
     */
    public static HttpServer start(String host, int port, long maxBodyBytes, long idleTimeoutMs, long shutdownGraceMs,
                                   java.util.function.Consumer<Routes> routes) {
        Router r = new Router();
        routes.accept(r);
        return new HttpServer(r, maxBodyBytes, idleTimeoutMs, shutdownGraceMs, MAX_CONNECTIONS).start(host, port);
    }

    HttpServer start(String host, int port) {
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getByName(host), port), ACCEPT_QUEUE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        acceptor = Thread.ofPlatform().name("tokenwise-http-accept").daemon().start(this::acceptLoop);
        watchdog = Thread.ofPlatform().name("tokenwise-http-watchdog").daemon().start(this::watch);
        return this;
    }

    public int port() { return server.getLocalPort(); }

    private void acceptLoop() {
        while (!closing) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!closing) LOG.warn("accepting a connection failed: {}", e.toString());
                if (server.isClosed()) return;
                continue;
            }
            if (closing) {
                closeQuietly(s);
                return;
            }
            if (connections.size() >= maxConnections) {
                refuse(s);
                continue;
            }
            Connection c = new Connection(s);
            connections.add(c);
            try {
                (virtualThreads ? Thread.ofVirtual() : Thread.ofPlatform().daemon())
                        .name("tokenwise-http-" + ids.incrementAndGet()).start(c);
            } catch (OutOfMemoryError | RuntimeException e) {
                connections.remove(c);
                refuse(s);
            }
        }
    }

    /** A 503 for a connection over the limit; the few bytes fit the socket buffer, so this never blocks the acceptor. */
    private void refuse(Socket s) {
        try (s) {
            byte[] body = dev.tokenwise.core.wire.Json.bytes(ErrorMapper.body(GatewayException.builder(503,
                    "The gateway has " + maxConnections + " open connections; try again shortly.")
                    .type("server_error").code("too_many_connections").build()));
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } catch (IOException ignored) {
            // the client is gone already
        }
    }

    /**
     * Closes connections whose client has been silent for the idle timeout (waiting for a request
     * head, which also bounds how long a head may trickle in, or in the middle of a body) or has
     * not taken a response's bytes for that long. Reads and writes block without a socket timeout:
     * a timed read costs the JDK two more system calls per read, on every request.
     */
    private void watch() {
        long limit = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs);
        while (!closing) {
            try {
                Thread.sleep(Math.max(50, Math.min(1_000, idleTimeoutMs / 4)));
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Connection c : connections) {
                long since = c.ioSince;
                if (since != 0 && now - since > limit) {
                    LOG.debug("closing a connection whose client went silent");
                    c.abort();
                }
            }
        }
    }

    @Override
    public void close() {
        if (closing) return;
        closing = true;
        closeQuietly(server);
        if (watchdog != null) watchdog.interrupt();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(shutdownGraceMs);
        // idle keep-alive connections go now; busy ones finish their request and then close
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            for (Connection c : connections) if (!c.busy) c.abort();
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!connections.isEmpty()) {
            LOG.warn("stopped with {} request(s) still in flight after the grace period of {} ms", connections.size(), shutdownGraceMs);
            for (Connection c : connections) c.abort();
        }
        try {
            if (acceptor != null) acceptor.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    /** One client connection and the thread that serves it, request after request. */
    final class Connection implements Runnable {
        private final Socket socket;
        private DefaultBHttpServerConnection conn;
        private OutputStream raw;
        volatile boolean busy;
        /** When the read or write the connection is blocked in began ({@link System#nanoTime}, never 0), or 0. */
        volatile long ioSince;
        /** Request bytes may be left unread: close gently, or the kernel's reset can destroy the answer before the client reads it. */
        private boolean unreadInput;

        Connection(Socket socket) {
            this.socket = socket;
        }

        void beginIo() { ioSince = System.nanoTime() | 1; }

        void endIo() { ioSince = 0; }

        void abort() { closeQuietly(socket); }

        @Override
        public void run() {
            try {
                socket.setTcpNoDelay(true);
                conn = new DefaultBHttpServerConnection("http", H1);
                conn.bind(socket);
                raw = socket.getOutputStream();
                while (!closing) {
                    ClassicHttpRequest req;
                    beginIo();
                    try {
                        req = conn.receiveRequestHeader();
                    } catch (MessageConstraintException | HttpException e) {
                        // the parser reports a head over the limits as a protocol error caused by a constraint
                        if (e instanceof MessageConstraintException || e.getCause() instanceof MessageConstraintException) {
                            reject(invalid(431, "request_header_fields_too_large", "The request head is too large: " + e.getMessage()
                                    + " (at most " + MAX_HEADERS + " header fields of " + MAX_HEAD_LINE + " bytes each)."));
                        } else {
                            reject(invalid(400, "malformed_request", "Malformed HTTP request: " + e.getMessage()));
                        }
                        return;
                    } finally {
                        endIo();
                    }
                    if (req == null) return;
                    busy = true;
                    try {
                        conn.receiveRequestEntity(req);
                        if (!serve(req)) return;
                    } finally {
                        busy = false;
                    }
                }
            } catch (IOException | HttpException gone) {
                // the client went away or broke the protocol mid-message
            } finally {
                if (unreadInput) lingerClose();
                if (conn != null) closeQuietly(conn);
                closeQuietly(socket);
                connections.remove(this);
            }
        }

        /**
         * Ends the output, then reads and drops what the client still sends (an oversized body the
         * answer refused) for up to {@link #LINGER_MS} and {@link #LINGER_BYTES} before closing.
         */
        private void lingerClose() {
            try {
                socket.shutdownOutput();
                socket.setSoTimeout(500);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MS);
                InputStream in = socket.getInputStream();
                byte[] buf = new byte[16 * 1024];
                long left = LINGER_BYTES;
                int n;
                while (left > 0 && System.nanoTime() < deadline && (n = in.read(buf)) > 0) left -= n;
            } catch (IOException ignored) {
                // closing anyway
            }
        }

        /** Answers one request; false when the connection must close afterwards. */
        private boolean serve(ClassicHttpRequest req) throws IOException, HttpException {
            String target = req.getPath();
            if (target == null || !target.startsWith("/")) {
                reject(invalid(400, "malformed_request", "The request target must be an absolute path."));
                return false;
            }
            int q = target.indexOf('?');
            String path = q < 0 ? target : target.substring(0, q);
            String query = q < 0 ? null : target.substring(q + 1);
            if (path.indexOf('%') >= 0) {
                try {
                    path = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    reject(invalid(400, "malformed_request", "Malformed percent-encoding in the path."));
                    return false;
                }
            }
            boolean keepAliveAsked = keepAlive(req);
            HttpEntity entity = req.getEntity();
            Header expect = req.getFirstHeader("Expect");
            if (expect != null && "100-continue".equalsIgnoreCase(expect.getValue())) {
                if (entity != null && entity.getContentLength() > maxBodyBytes) {
                    reject(GatewayException.tooLarge(maxBodyBytes));
                    return false;
                }
                conn.sendResponseHeader(new BasicClassicHttpResponse(100));
                conn.flush();
            }
            HttpCall call = new HttpCall(req, path, query, maxBodyBytes, this, c -> openStream(c, keepAliveAsked));
            try {
                Router.Match m = router.resolve(call.method(), path);
                call.pathParams(m.params());
                m.handler().handle(call);
            } catch (Exception | StackOverflowError e) {
                if (call.streaming()) {
                    // the head is out: end the connection without the last chunk, so the client sees a broken response
                    LOG.error("a streamed response failed after its head was sent: {} {}", call.method(), path, e);
                    return false;
                }
                if (!(e instanceof GatewayException)) LOG.error("unexpected error on {} {}", call.method(), path, e);
                ErrorMapper.write(call, ErrorMapper.normalise(e));
            }
            boolean drained = drained(call, entity);
            unreadInput = !drained;
            if (call.streaming()) {
                ChunkedStream s = call.stream();
                if (!s.closed()) s.close();
                return keepAliveAsked && drained;
            }
            boolean keepAlive = keepAliveAsked && drained;
            send(call, keepAlive);
            return keepAlive;
        }

        /** Reads what the handler left of the request body, so the next request starts at its head. */
        private boolean drained(HttpCall call, HttpEntity entity) {
            if (call.bodyConsumed()) return true;
            if (entity.getContentLength() > maxBodyBytes) return false;
            beginIo();
            try {
                InputStream in = entity.getContent();
                long left = maxBodyBytes + 1;
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) left -= n;
                return left > 0;
            } catch (IOException e) {
                return false;
            } finally {
                endIo();
            }
        }

        private boolean keepAlive(ClassicHttpRequest req) {
            if (closing) return false;
            Header c = req.getFirstHeader("Connection");
            ProtocolVersion v = req.getVersion();
            boolean http11 = v == null || v.greaterEquals(HttpVersion.HTTP_1_1);
            if (c == null) return http11;
            String value = c.getValue();
            if (value.regionMatches(true, 0, "close", 0, 5)) return false;
            return http11 || value.equalsIgnoreCase("keep-alive");
        }

        private BasicClassicHttpResponse head(HttpCall call, boolean keepAlive) {
            BasicClassicHttpResponse r = new BasicClassicHttpResponse(call.status());
            call.responseHeaders().forEach(r::setHeader);
            if (!keepAlive || closing) r.setHeader("Connection", "close");
            return r;
        }

        private void send(HttpCall call, boolean keepAlive) throws IOException, HttpException {
            BasicClassicHttpResponse r = head(call, keepAlive);
            byte[] body = call.result();
            r.setHeader("Content-Length", Integer.toString(body.length));
            if (body.length > 0) r.setEntity(new ByteArrayEntity(body, null));
            beginIo();
            try {
                conn.sendResponseHeader(r);
                if (body.length > 0) conn.sendResponseEntity(r);
                conn.flush();
            } finally {
                endIo();
            }
        }

        private ChunkedStream openStream(HttpCall call, boolean keepAlive) throws IOException {
            BasicClassicHttpResponse r = head(call, keepAlive);
            r.setHeader("Transfer-Encoding", "chunked");
            beginIo();
            try {
                conn.sendResponseHeader(r);
                conn.flush();
            } catch (HttpException e) {
                throw new IOException(e);
            } finally {
                endIo();
            }
            return new ChunkedStream(raw, this);
        }

        private static GatewayException invalid(int status, String code, String message) {
            return GatewayException.builder(status, message).type("invalid_request_error").code(code).build();
        }

        /** An error answer outside any route (a broken head); the connection closes after it. */
        private void reject(GatewayException e) throws IOException {
            unreadInput = true;
            HttpCall call = new HttpCall(new org.apache.hc.core5.http.message.BasicClassicHttpRequest("GET", "/"), "/", null, 0, this, null);
            ErrorMapper.write(call, e);
            try {
                send(call, false);
            } catch (HttpException ex) {
                throw new IOException(ex);
            }
        }
    }
}
