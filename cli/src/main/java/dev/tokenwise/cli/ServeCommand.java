package dev.tokenwise.cli;

import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.ConfigLoader;
import dev.tokenwise.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tokenwise serve}: runs the gateway until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the OpenAI-compatible gateway.",
                "With no options: embedded mock models (gpt-4o, gpt-4o-mini, claude-3-5-sonnet, ...) on 127.0.0.1, no API key needed."})
final class ServeCommand implements Runnable {
    @Option(names = "--port", description = "Port to listen on (default: from config, else 8080; 0 = any free port).")
    Integer port;

    @Option(names = "--host", description = "Address to bind (default 127.0.0.1).")
    String host;

    @Option(names = "--config", description = "A tokenwise.yaml; validated before the gateway starts.")
    Path config;

    @Option(names = "--upstream", description = "Quick start: proxy every model name to this OpenAI-compatible base URL, "
            + "e.g. http://127.0.0.1:8000/v1 (API key from OPENAI_API_KEY if set).")
    String upstream;

    @Option(names = "--data-dir", description = "Where embedded stores live (default .tokenwise).")
    String dataDir;

    @Override
    public void run() {
        GatewayConfig cfg = load(config, upstream);
        if (host != null) cfg = cfg.withServer(cfg.server().withHost(host));
        if (port != null) cfg = cfg.withServer(cfg.server().withPort(port));
        if (dataDir != null) cfg = cfg.withServer(cfg.server().withDataDir(dataDir));
        Gateway gw = Gateway.builder(cfg).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("tokenwise: shutting down");
            gw.close();
            stopped.countDown();
        }, "tokenwise-shutdown"));
        boolean anyName = cfg.models().containsKey(dev.tokenwise.gateway.provider.ModelRegistry.ANY_MODEL);
        System.out.println("tokenwise gateway listening on " + gw.baseUrl() + " (models: "
                + String.join(", ", gw.registry().names()) + (anyName ? ", and any other name" : "") + ")");
        String root = gw.baseUrl().substring(0, gw.baseUrl().length() - "/v1".length());
        System.out.println("dashboard: " + root + "/ui   metrics: " + root + "/metrics");
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static GatewayConfig load(Path config, String upstream) {
        ConfigLoader loader = new ConfigLoader(System::getenv);
        if (config != null && upstream != null) throw new UserException("use either --config or --upstream, not both");
        if (config != null) return loader.load(config);
        if (upstream != null) {
            String err = ConfigLoader.checkUrl(upstream);
            if (err != null) throw new UserException("--upstream '" + upstream + "' " + err);
            String keyEnv = System.getenv("OPENAI_API_KEY") != null ? "OPENAI_API_KEY" : null;
            return loader.validate(GatewayConfig.upstream(upstream, keyEnv));
        }
        return GatewayConfig.embeddedDefault();
    }
}
