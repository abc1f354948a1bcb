package dev.tokenwise.cli;

import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.config.ModelConfig;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tokenwise mock-upstream}: the mock model as a standalone OpenAI-compatible server. */
@Command(name = "mock-upstream", mixinStandardHelpOptions = true,
        description = {"Serve the deterministic mock model as a plain OpenAI-compatible API (for tests, demos and benchmarks).",
                "Any model name is accepted, as a vLLM or llama.cpp server would; answers are derived from the prompt."})
final class MockUpstreamCommand implements Runnable {
    @Option(names = "--port", defaultValue = "8081", description = "Port (default ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--ttft-ms", defaultValue = "0", description = "Time to first token in ms (default ${DEFAULT-VALUE}).")
    int ttftMs;

    @Option(names = "--tokens-per-second", defaultValue = "0", description = "Decode speed; 0 = instant (default ${DEFAULT-VALUE}).")
    int tokensPerSecond;

    @Option(names = "--answer-tokens", defaultValue = "40", description = "Answer length in words (default ${DEFAULT-VALUE}).")
    int answerTokens;

    @Option(names = "--fault", defaultValue = "none",
            description = "Misbehave on every request, for testing clients: none, rate-limit (429 with Retry-After: 1), "
                    + "error (500), hang (never answers), truncate (streams stop half way with no finish_reason or [DONE]).")
    String fault;

    @Override
    public void run() {
        if (ttftMs < 0) throw new UserException("--ttft-ms must be >= 0, was " + ttftMs);
        if (tokensPerSecond < 0) throw new UserException("--tokens-per-second must be >= 0, was " + tokensPerSecond);
        if (answerTokens < 1) throw new UserException("--answer-tokens must be at least 1, was " + answerTokens);
        if (!ModelConfig.MockConfig.FAULTS.contains(fault)) {
            throw new UserException("--fault '" + fault + "' is not one of " + ModelConfig.MockConfig.FAULTS.stream().sorted().toList());
        }
        GatewayConfig cfg = GatewayConfig.mockUpstream(new ModelConfig.MockConfig(ttftMs, tokensPerSecond, answerTokens, fault));
        // its own throwaway data dir: a mock upstream must never write into the ledger of a gateway run from the same directory
        java.nio.file.Path dataDir;
        try {
            dataDir = java.nio.file.Files.createTempDirectory("tokenwise-mock-upstream");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        cfg = cfg.withServer(cfg.server().withHost(host).withPort(port).withDataDir(dataDir.toString()));
        Gateway gw = Gateway.builder(cfg).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gw.close();
            DemoCommand.deleteQuietly(dataDir);
            stopped.countDown();
        }));
        System.out.println("mock upstream listening on " + gw.baseUrl() + " (any model name; ttft " + ttftMs + " ms, "
                + (tokensPerSecond == 0 ? "instant" : tokensPerSecond + " tokens/s") + ", " + answerTokens + " words"
                + (fault.equals("none") ? "" : ", fault " + fault) + ")");
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
