package dev.tokenwise.gateway.server;

import dev.tokenwise.core.error.GatewayException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;

/**
 * One request and the response being built for it, as a route handler sees them: the request's
 * method, path, parameters, headers and (size-capped) body, and the status, headers and body of
 * the answer. A handler either sets a body ({@link #result}) or opens a chunked stream
 * ({@link #openStream}); the server writes the rest.
 */
public final class HttpCall {
    private final ClassicHttpRequest request;
    private final String path;
    private final String query;
    private final long maxBodyBytes;
    private final HttpServer.Connection conn;
    private final StreamOpener opener;
    private Map<String, String> pathParams = Map.of();
    private Map<String, String> queryParams;
    private Map<String, String> headers;
    private byte[] body;

    private int status = 200;
    private final Map<String, String> responseHeaders = new LinkedHashMap<>();
    private byte[] result;
    private ChunkedStream stream;

    /** Sends the response head with chunked transfer coding and returns the stream for the body. */
    interface StreamOpener {
        ChunkedStream open(HttpCall call) throws IOException;
    }

    HttpCall(ClassicHttpRequest request, String path, String query, long maxBodyBytes,
             HttpServer.Connection conn, StreamOpener opener) {
        this.request = request;
        this.path = path;
        this.query = query;
        this.maxBodyBytes = maxBodyBytes;
        this.conn = conn;
        this.opener = opener;
    }

    public String method() { return request.getMethod(); }

    public String path() { return path; }

    void pathParams(Map<String, String> p) { this.pathParams = p; }

    /** A {@code {name}} segment of the route's path. */
    public String pathParam(String name) { return pathParams.get(name); }

    /** A query parameter (the first if repeated), or null. */
    public String queryParam(String name) {
        if (queryParams == null) queryParams = parseForm(query);
        return queryParams.get(name);
    }

    /** A request header by name (any case), or null. */
    public String header(String name) {
        Header h = request.getFirstHeader(name);
        return h == null ? null : h.getValue();
    }

    /**
     * All request headers, names as the client sent them (the first value of a repeated header);
     * {@link dev.tokenwise.gateway.pipeline.Exchange#create} lower-cases them once.
     */
    public Map<String, String> headers() {
        if (headers == null) {
            Map<String, String> h = new HashMap<>();
            for (Header x : request.getHeaders()) h.putIfAbsent(x.getName(), x.getValue());
            headers = h;
        }
        return headers;
    }

    /** A cookie's value, or null. */
    public String cookie(String name) {
        for (Header h : request.getHeaders("Cookie")) {
            for (String part : h.getValue().split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0 && part.substring(0, eq).strip().equals(name)) return part.substring(eq + 1).strip();
            }
        }
        return null;
    }

    /** A field of an {@code application/x-www-form-urlencoded} body, or null. */
    public String formParam(String name) {
        return parseForm(bodyAsString()).get(name);
    }

    /** The request body, read once; a 413 when it is over the server's limit. */
    public byte[] body() {
        if (body != null) return body;
        HttpEntity e = request.getEntity();
        if (e == null) return body = new byte[0];
        if (e.getContentLength() > maxBodyBytes) throw GatewayException.tooLarge(maxBodyBytes);
        // not closed: closing the body's stream would read the rest of an oversized body to its end
        conn.beginIo();
        try {
            InputStream in = e.getContent();
            long declared = e.getContentLength();
            byte[] data;
            if (declared >= 0) {
                // the length is known: one array of that size, not a list of 8 KiB buffers
                data = new byte[(int) declared];
                int n = in.readNBytes(data, 0, data.length);
                if (n < data.length) throw new IOException("the client sent " + n + " of " + declared + " bytes");
            } else {
                data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
            }
            if (data.length > maxBodyBytes) throw GatewayException.tooLarge(maxBodyBytes);
            return body = data;
        } catch (IOException ex) {
            throw GatewayException.invalidRequest("Could not read the request body: " + ex.getMessage(), null);
        } finally {
            conn.endIo();
        }
    }

    public String bodyAsString() {
        return new String(body(), StandardCharsets.UTF_8);
    }

    public HttpCall status(int s) {
        this.status = s;
        return this;
    }

    public int status() { return status; }

    /** Sets a response header (replacing one of the same name). */
    public HttpCall header(String name, String value) {
        responseHeaders.put(name, value);
        return this;
    }

    public HttpCall contentType(String type) {
        return header("Content-Type", type);
    }

    public HttpCall result(byte[] bytes) {
        this.result = bytes;
        return this;
    }

    public HttpCall json(byte[] bytes) {
        return contentType("application/json").result(bytes);
    }

    public HttpCall html(String html) {
        return contentType("text/html; charset=utf-8").result(html.getBytes(StandardCharsets.UTF_8));
    }

    public HttpCall redirect(String location, int status) {
        return status(status).header("Location", location).result(new byte[0]);
    }

    /**
     * Commits the status and headers set so far and returns the body stream (chunked transfer
     * coding); each {@code flush} sends what was written as one chunk.
     */
    public OutputStream openStream() throws IOException {
        if (stream == null) stream = opener.open(this);
        return stream;
    }

    boolean streaming() { return stream != null; }

    ChunkedStream stream() { return stream; }

    Map<String, String> responseHeaders() { return responseHeaders; }

    byte[] result() { return result == null ? new byte[0] : result; }

    /** Whether the body was read to its end (or there was none), so the connection can carry another request. */
    boolean bodyConsumed() {
        HttpEntity e = request.getEntity();
        return e == null || body != null || e.getContentLength() == 0;
    }

    private static Map<String, String> parseForm(String s) {
        Map<String, String> out = new HashMap<>();
        if (s == null || s.isEmpty()) return out;
        for (String pair : s.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.putIfAbsent(k, v);
            } catch (IllegalArgumentException malformed) {
                throw GatewayException.invalidRequest("Malformed percent-encoding in '" + pair + "'.", null);
            }
        }
        return out;
    }
}
