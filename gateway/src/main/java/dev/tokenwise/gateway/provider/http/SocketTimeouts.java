package dev.tokenwise.gateway.provider.http;

import dev.tokenwise.gateway.config.ModelConfig.TimeoutConfig;
import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import okhttp3.Connection;
import okhttp3.Interceptor;
import okhttp3.Protocol;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The upstream's first-byte, idle and write timeouts, enforced without OkHttp's timeout watchdog
 * where that is safe. OkHttp times socket reads and writes with one watchdog thread that it
 * schedules and cancels around every single read and write: two thread hand-offs per read on the
 * request path. On a cleartext (HTTP/1.1) connection the socket's own read timeout
 * ({@code SO_TIMEOUT}) does the same job and costs nothing unless a read has to wait: the
 * first-byte timeout while the response head is awaited, then the idle timeout for each read of
 * the body (a read that waits longer fails with a {@link java.net.SocketTimeoutException}, as
 * OkHttp's own timeout did). On TLS connections, which may be HTTP/2 streams sharing one socket,
 * OkHttp keeps timing reads. Writes are timed only when the request body may not fit the socket's
 * send buffer: a shorter write is taken by the kernel at once, whether or not the upstream reads.
 */
final class SocketTimeouts {
    /** Below the kernel's default TCP send buffer (16 KiB), with room for the request head. */
    static final long UNBLOCKED_BYTES = 8 * 1024;

    private SocketTimeouts() {}

    /** The application interceptor: picks who times this call's reads and writes. */
    record PerCall(TimeoutConfig t, int writeMs) implements Interceptor {
        @Override
        public Response intercept(Chain chain) throws IOException {
            boolean tls = chain.request().isHttps();
            RequestBody body = chain.request().body();
            long length = body == null ? 0 : body.contentLength();
            boolean smallWrite = length >= 0 && length <= UNBLOCKED_BYTES;
            Response response = chain
                    .withReadTimeout(tls ? t.firstByteMs() : 0, TimeUnit.MILLISECONDS)
                    .withWriteTimeout(smallWrite ? 0 : writeMs, TimeUnit.MILLISECONDS)
                    .proceed(chain.request());
            ResponseBody rb = response.body();
            if (tls && rb != null) rb.source().timeout().timeout(t.idleMs(), TimeUnit.MILLISECONDS);
            return response;
        }
    }

    /**
     * The network interceptor: on a connection whose reads OkHttp does not time, sets the socket's
     * read timeout on the connection the call actually uses, after OkHttp has reset it.
     */
    record OnSocket(TimeoutConfig t) implements Interceptor {
        @Override
        public Response intercept(Chain chain) throws IOException {
            Connection c = chain.connection();
            Socket socket = c != null && chain.readTimeoutMillis() == 0 && c.protocol() != Protocol.HTTP_2
                    && c.protocol() != Protocol.H2_PRIOR_KNOWLEDGE ? c.socket() : null;
            if (socket != null) socket.setSoTimeout(t.firstByteMs());
            Response response = chain.proceed(chain.request());
            if (socket != null) socket.setSoTimeout(t.idleMs());
            return response;
        }
    }
}
