package dev.tokenwise.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExternalServersTest {
    @Test
    void a_real_redis_server_starts_and_answers_ping() throws Exception {
        try (RedisServer redis = RedisServer.start(); Socket s = new Socket("127.0.0.1", redis.port())) {
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[7];
            int n = in.readNBytes(buf, 0, 7);
            assertThat(new String(buf, 0, n, StandardCharsets.US_ASCII)).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void a_real_postgres_server_starts_and_accepts_connections() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            assertThat(pg.port()).isPositive();
            try (Socket s = new Socket("127.0.0.1", pg.port())) {
                assertThat(s.isConnected()).isTrue();
            }
        }
    }
}
