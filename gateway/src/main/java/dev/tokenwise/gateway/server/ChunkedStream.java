package dev.tokenwise.gateway.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A response body in HTTP/1.1 chunked transfer coding, written straight to the connection's
 * socket after the head: what is written collects until {@link #flush}, which sends it as one
 * chunk; {@link #close} sends the last chunk. Writes are watched by the server's write timeout.
 */
final class ChunkedStream extends OutputStream {
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream socket;
    private final HttpServer.Connection conn;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(512);
    private boolean closed;

    ChunkedStream(OutputStream socket, HttpServer.Connection conn) {
        this.socket = socket;
        this.conn = conn;
    }

    @Override
    public void write(int b) throws IOException {
        check();
        pending.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        check();
        pending.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
        check();
        if (pending.size() == 0) return;
        byte[] size = Integer.toHexString(pending.size()).getBytes(StandardCharsets.US_ASCII);
        conn.beginIo();
        try {
            socket.write(size);
            socket.write(CRLF);
            pending.writeTo(socket);
            socket.write(CRLF);
            socket.flush();
        } finally {
            conn.endIo();
            pending.reset();
        }
    }

    /** Sends what is pending and the last chunk; the connection can then carry the next request. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        flush();
        closed = true;
        conn.beginIo();
        try {
            socket.write(LAST);
            socket.flush();
        } finally {
            conn.endIo();
        }
    }

    boolean closed() { return closed; }

    private void check() throws IOException {
        if (closed) throw new IOException("the response stream is closed");
    }
}
