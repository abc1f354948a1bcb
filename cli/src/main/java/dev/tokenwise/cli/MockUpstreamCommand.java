package dev.tokenwise.cli;

import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.config.ModelConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tokenwise mock-upstream}: the mock model as a standalone OpenAI-compatible server. */
@Command(name = "mock-upstream", mixinStandardHelpOptions = true,
        description = "Serve the deterministic mock models as a plain OpenAI-compatible API (for tests and benchmarks).")
final class MockUpstreamCommand implements Runnable {
    @Option(names = "--port", defaultValue = "8081", description = "Port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--ttft-ms", defaultValue = "0", description = "Time to first token in ms.")
    int ttftMs;

    @Option(names = "--tokens-per-second", defaultValue = "0", description = "Decode speed; 0 = instant.")
    int tokensPerSecond;

    @Option(names = "--answer-tokens", defaultValue = "40", description = "Answer length in words.")
    int answerTokens;

    @Override
    public void run() {
        Map<String, ModelConfig> models = new LinkedHashMap<>();
        for (Map.Entry<String, ModelConfig> e : GatewayConfig.embeddedDefault().models().entrySet()) {
            models.put(e.getKey(), ModelConfig.mock(e.getValue().tier(),
                    new ModelConfig.MockConfig(ttftMs, tokensPerSecond, answerTokens)));
        }
        // its own throwaway data dir: a mock upstream must never write into the ledger of a gateway run from the same directory
        String dataDir;
        try {
            java.nio.file.Path d = java.nio.file.Files.createTempDirectory("tokenwise-mock-upstream");
            dataDir = d.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        GatewayConfig cfg = new GatewayConfig(GatewayConfig.embeddedDefault().server().withPort(port).withDataDir(dataDir), models);
        Gateway gw = Gateway.builder(cfg).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gw.close();
            DemoCommand.deleteQuietly(java.nio.file.Path.of(dataDir));
            stopped.countDown();
        }));
        System.out.println("mock upstream listening on " + gw.baseUrl());
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
