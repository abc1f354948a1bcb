package dev.tokenwise.cli.bench;

import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.config.ModelConfig;
import dev.tokenwise.gateway.config.ResilienceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every benchmark runs against: a mock upstream serving {@code gpt-4o} (20 ms per answer, no
 * per-request log, no resilience) and the full-pipeline {@link OverheadCommand.BenchGateway} in
 * front of it, both with data under one fresh temporary directory.
 */
record BenchRig(Gateway upstream, OverheadCommand.BenchGateway gateway) implements AutoCloseable {
    static BenchRig start(String tempPrefix) {
        Path dir;
        try {
            dir = Files.createTempDirectory(tempPrefix);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, ModelConfig> models = new LinkedHashMap<>();
        models.put("gpt-4o", ModelConfig.mock("large", new ModelConfig.MockConfig(0, 0, 20)));
        GatewayConfig upstreamCfg = new GatewayConfig(null, models)
                .withServer(GatewayConfig.embeddedDefault().server().withPort(0).withDataDir(dir.resolve("upstream").toString()))
                .withObservability(OverheadCommand.QUIET).withResilience(ResilienceConfig.off());
        Gateway upstream = Gateway.builder(upstreamCfg).start();
        try {
            return new BenchRig(upstream, OverheadCommand.BenchGateway.start(upstream.baseUrl(), dir));
        } catch (RuntimeException e) {
            upstream.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            gateway.close();
        } finally {
            upstream.close();
        }
    }
}
