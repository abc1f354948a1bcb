package dev.tokenwise.cli.bench;

import dev.tokenwise.gateway.Gateway;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tokenwise bench rig-process}: one server of the benchmark rig in its own JVM, started by
 * {@link BenchRig}: the mock upstream, the gateway or one of the {@link FloorProxy floor proxies}.
 * It prints one {@value #READY} line (base URL, and for the gateway its stage names and the bench
 * key's secret) and serves until its standard input ends.
 */
@Command(name = "rig-process", hidden = true, description = "Internal: one server of the benchmark rig.")
final class RigProcessCommand implements Runnable {
    static final String READY = "rig-ready";

    @Option(names = "--role", required = true, description = "upstream, gateway, passthrough, jetty or blocking")
    String role;

    @Option(names = "--dir", required = true, description = "Data directory.")
    Path dir;

    @Option(names = "--upstream", description = "The upstream's base URL (all roles but the upstream).")
    String upstreamUrl;

    @Override
    public void run() {
        AutoCloseable server;
        String ready;
        switch (role) {
            case "upstream" -> {
                Gateway up = Gateway.builder(BenchRig.upstreamConfig(dir)).start();
                server = up;
                ready = up.baseUrl();
            }
            case "gateway" -> {
                if (upstreamUrl == null) throw new IllegalArgumentException("--upstream is required for the gateway");
                OverheadCommand.BenchGateway gw = OverheadCommand.BenchGateway.start(upstreamUrl, dir.getParent());
                server = gw;
                ready = gw.gateway().baseUrl() + " " + String.join(",", gw.stageNames()) + " " + gw.headers()[1].substring("Bearer ".length());
            }
            case "passthrough", "jetty", "blocking" -> {
                if (upstreamUrl == null) throw new IllegalArgumentException("--upstream is required for a proxy");
                FloorProxy.Running proxy;
                try {
                    proxy = FloorProxy.of(role).start(upstreamUrl);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                server = proxy;
                ready = proxy.baseUrl();
            }
            default -> throw new IllegalArgumentException("--role must be upstream, gateway, passthrough, jetty or blocking, was " + role);
        }
        System.out.println(READY + " " + ready);
        System.out.flush();
        try {
            while (System.in.read() >= 0) { /* serve until the rig closes our input */ }
        } catch (IOException ignored) {
            // the rig went away: stop as well
        }
        try {
            server.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
