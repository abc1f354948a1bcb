package dev.tokenwise.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.config.ConfigLoader;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.keys.ApiKey;
import dev.tokenwise.gateway.keys.BudgetPeriod;
import dev.tokenwise.gateway.keys.KeyStore;
import dev.tokenwise.gateway.keys.KeyViews;
import dev.tokenwise.gateway.keys.Keys;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.InstantSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tokenwise keys}: create, list and revoke virtual API keys in the gateway's key store. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = {"Manage virtual API keys (stored hashed; the secret is shown once, at creation).",
                "Writes the key store directly: the SQLite file under the data directory, or keys.url from --config."},
        subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
final class KeysCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Where the store is: --data-dir or --config (one of them). */
    static final class StoreOptions {
        @Option(names = "--data-dir", description = "Data directory of the gateway (default .tokenwise).")
        String dataDir;

        @Option(names = "--config", description = "The gateway's tokenwise.yaml (uses its keys.url / server.data_dir).")
        Path config;

        Keys open() {
            if (dataDir != null && config != null) throw new UserException("use either --data-dir or --config, not both");
            GatewayConfig c = GatewayConfig.embeddedDefault();
            if (config != null) c = new ConfigLoader(System::getenv).load(config);
            if (dataDir != null) c = c.withServer(c.server().withDataDir(dataDir));
            return Keys.open(c, InstantSource.system());
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key and print its secret (once).")
    static final class Create implements Runnable {
        @Option(names = "--name", required = true, description = "A label for the key, e.g. checkout-service.")
        String name;

        @Option(names = "--tenant", description = "Tenant the key's requests belong to (default: default).")
        String tenant;

        @Option(names = "--budget-usd", description = "Spend allowed per period in USD (no budget when omitted).")
        BigDecimal budgetUsd;

        @Option(names = "--period", description = "Budget period: day or month (UTC; default month).")
        String period;

        @Option(names = "--json", description = "Print the key (with its secret) as JSON.")
        boolean json;

        @Mixin
        StoreOptions store;

        @Override
        public void run() {
            if (budgetUsd != null && budgetUsd.signum() < 0) throw new UserException("--budget-usd must be >= 0, was " + budgetUsd);
            if (period != null && budgetUsd == null) throw new UserException("--period needs --budget-usd");
            BudgetPeriod p;
            try {
                p = period == null ? null : BudgetPeriod.parse(period);
            } catch (IllegalArgumentException e) {
                throw new UserException("--period: " + e.getMessage());
            }
            try (Keys keys = store.open()) {
                KeyStore.Created c = keys.store().create(name, tenant, budgetUsd, p);
                ApiKey k = c.key();
                if (json) {
                    ObjectNode o = KeyViews.describe(k, keys.budgets(), InstantSource.system());
                    o.put("secret", c.secret());
                    System.out.println(Json.write(o));
                    return;
                }
                System.out.println("created key " + k.id() + " (name " + k.name() + ", tenant " + k.tenant()
                        + (k.hasBudget() ? ", budget $" + k.budgetUsd().toPlainString() + " per " + k.period().label() : ", no budget")
                        + ")");
                System.out.println(c.secret());
                System.err.println("store this secret now: only its hash is kept, it cannot be shown again");
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys with their budget and spend this period.")
    static final class ListKeys implements Runnable {
        @Option(names = "--json", description = "Print the keys as a JSON array.")
        boolean json;

        @Mixin
        StoreOptions store;

        @Override
        public void run() {
            try (Keys keys = store.open()) {
                ArrayNode arr = Json.array();
                for (ApiKey k : keys.store().list()) arr.add(KeyViews.describe(k, keys.budgets(), InstantSource.system()));
                if (json) {
                    System.out.println(Json.write(arr));
                    return;
                }
                if (arr.isEmpty()) {
                    System.out.println("no keys (create one with: tokenwise keys create --name NAME --budget-usd 50 --period month)");
                    return;
                }
                String fmt = "%-14s %-20s %-12s %-16s %-12s %-10s%n";
                System.out.printf(fmt, "ID", "NAME", "TENANT", "BUDGET", "SPENT", "STATUS");
                for (var n : arr) {
                    String budget = n.get("budget_usd").isNull() ? "-" : "$" + n.get("budget_usd").decimalValue().toPlainString()
                            + "/" + n.get("period").asText();
                    String spent = n.has("spent_usd") ? "$" + n.get("spent_usd").decimalValue().setScale(4, java.math.RoundingMode.HALF_UP).toPlainString() : "-";
                    System.out.printf(fmt, n.get("id").asText(), n.get("name").asText(), n.get("tenant").asText(), budget, spent,
                            n.get("revoked_at").isNull() ? "active" : "revoked");
                }
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key; its requests get 401 from then on.")
    static final class Revoke implements Runnable {
        @Parameters(index = "0", description = "The key id (from keys list), e.g. k3f9a0c2d5e71.")
        String id;

        @Mixin
        StoreOptions store;

        @Override
        public void run() {
            try (Keys keys = store.open()) {
                if (!keys.store().revoke(id)) throw new UserException("no key with id " + id + " (see: tokenwise keys list)");
                System.out.println("revoked " + id);
            }
        }
    }
}
