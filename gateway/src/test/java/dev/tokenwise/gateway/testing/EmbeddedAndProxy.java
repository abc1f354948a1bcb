package dev.tokenwise.gateway.testing;

import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.config.ResilienceConfig;

/**
 * Two gateways for compatibility tests: one with the embedded mock models, and one proxying every
 * model name to a {@link FakeUpstream} (resilience off, so each client call is one upstream call).
 */
public final class EmbeddedAndProxy implements AutoCloseable {
    public final TestGateway embedded;
    public final FakeUpstream fake;
    public final TestGateway proxy;

    private EmbeddedAndProxy() {
        embedded = TestGateway.embedded();
        fake = FakeUpstream.start();
        proxy = TestGateway.start(GatewayConfig.upstream(fake.baseUrl(), null).withResilience(ResilienceConfig.off()));
    }

    public static EmbeddedAndProxy start() {
        return new EmbeddedAndProxy();
    }

    @Override
    public void close() {
        embedded.close();
        proxy.close();
        fake.close();
    }
}
