package dev.tokenwise.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.Gateway;
import dev.tokenwise.gateway.config.GatewayConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code tokenwise demo}: the whole story on one machine, with embedded defaults and no API key. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start an embedded gateway, send a scripted workload through it with a real HTTP client, and show what happened.")
final class DemoCommand implements Runnable {
    @picocli.CommandLine.Option(names = "--generate-log", paramLabel = "N",
            description = "Instead of the demo, write a synthetic OpenAI-JSONL log of N requests shaped like the seed scenario (see --out).")
    Long generateLog;

    @picocli.CommandLine.Option(names = "--out", description = "Where --generate-log writes the log.")
    Path out;

    @picocli.CommandLine.Option(names = "--seed", defaultValue = "1", description = "Seed of the generated log (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public void run() {
        if (generateLog != null) {
            if (out == null) throw new UserException("--generate-log needs --out FILE");
            if (generateLog < 1) throw new UserException("--generate-log must be at least 1, was " + generateLog);
            long n = dev.tokenwise.audit.generate.SeedLog.write(generateLog, out, seed);
            System.out.println("wrote " + n + " requests to " + out);
            return;
        }
        try {
            Path data = Files.createTempDirectory("tokenwise-demo");
            GatewayConfig cfg = GatewayConfig.embeddedDefault();
            cfg = cfg.withServer(cfg.server().withPort(0).withDataDir(data.toString()));
            try (Gateway gw = Gateway.builder(cfg).start()) {
                HttpClient http = HttpClient.newHttpClient();
                System.out.println("tokenwise demo: gateway on " + gw.baseUrl());
                List<String[]> workload = List.of(
                        new String[] {"gpt-4o", "What are your business hours?"},
                        new String[] {"gpt-4o", "What are your business hours?"},
                        new String[] {"gpt-4o", "Summarize this product description: a stainless steel water bottle."},
                        new String[] {"claude-3-5-sonnet", "Prove that the square root of 2 is irrational, step by step."});
                for (String[] w : workload) {
                    ObjectNode body = Json.object();
                    body.put("model", w[0]);
                    body.putArray("messages").addObject().put("role", "user").put("content", w[1]);
                    HttpRequest req = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/chat/completions"))
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build();
                    HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
                    JsonNode r = Json.parse(res.body());
                    System.out.printf("%-18s %-60s -> %d, %s, %d prompt + %d completion tokens%n", w[0],
                            w[1].length() > 60 ? w[1].substring(0, 57) + "..." : w[1], res.statusCode(),
                            r.path("model").asText(), r.path("usage").path("prompt_tokens").asLong(),
                            r.path("usage").path("completion_tokens").asLong());
                }
            }
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
