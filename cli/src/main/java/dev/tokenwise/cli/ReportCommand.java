package dev.tokenwise.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.gateway.config.GatewayConfig;
import dev.tokenwise.gateway.ledger.LedgerQuery;
import dev.tokenwise.gateway.ledger.LedgerQuery.Filter;
import dev.tokenwise.gateway.ledger.LedgerQuery.Totals;
import dev.tokenwise.gateway.ledger.LedgerStore;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tokenwise report}: what was spent, what it would have cost unoptimised, and the CFO's projection. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Spend, baseline and saving from the ledger, a monthly run-rate, and the bill at 2x and 10x traffic."})
final class ReportCommand implements Runnable {
    static final Duration MONTH = Duration.ofDays(30);

    @Option(names = "--since", defaultValue = "30d", description = "Window ending now: 90m, 24h, 30d, 2w, or 'all' (default ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--by", description = "Break down by feature, model, key, strategy or cache_status.")
    String by;

    @Option(names = "--tenant", description = "Only this tenant's requests.")
    String tenant;

    @Option(names = "--json", description = "One JSON object on stdout (shape in docs/accounting.md).")
    boolean json;

    @Option(names = "--config", description = "The gateway's tokenwise.yaml (for its data_dir or ledger URL).")
    Path config;

    @Option(names = "--data-dir", description = "Data directory holding ledger.db (default: from config, else .tokenwise).")
    String dataDir;

    InstantSource clock = InstantSource.system();
    PrintStream out = System.out;

    @Override
    public void run() {
        GatewayConfig cfg = ServeCommand.load(config, null);
        if (dataDir != null) cfg = cfg.withServer(cfg.server().withDataDir(dataDir));
        Path dir = Path.of(cfg.server().dataDir());
        if (cfg.ledger().embedded() && !Files.isRegularFile(dir.resolve(LedgerStore.FILE_NAME))) {
            throw new UserException("no ledger at " + dir.resolve(LedgerStore.FILE_NAME)
                    + " (run 'tokenwise serve' first, or pass --data-dir / --config)");
        }
        LedgerQuery.Dimension dim = by == null ? null : LedgerQuery.Dimension.parse(by);
        Duration window = parseWindow(since);
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Filter filter = new Filter(window == null ? null : now.minus(window), null, tenant);
        try (LedgerStore store = LedgerStore.open(cfg.ledger(), dir, System::getenv)) {
            LedgerQuery q = store.query();
            Report r = new Report(since, filter, now, q.totals(filter), dim, dim == null ? List.of() : q.groupBy(dim, filter));
            if (json) out.println(Json.write(r.toJson()));
            else r.print(out);
        }
    }

    /** "30d" → 30 days; "all" → null (no lower bound). */
    static Duration parseWindow(String s) {
        if (s.equalsIgnoreCase("all")) return null;
        Matcher m = Pattern.compile("(\\d+)\\s*([mhdw])").matcher(s.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) throw new UserException("--since '" + s + "': expected a number and a unit m, h, d or w (e.g. 30d), or 'all'");
        long n = Long.parseLong(m.group(1));
        if (n <= 0) throw new UserException("--since '" + s + "': must be positive");
        return switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
        };
    }

    /**
     * One report. The run-rate divides the window's spend by the time it covers — from the window's
     * start, or the first request in it if that is later, to now — and scales it to 30 days.
     */
    record Report(String since, Filter filter, Instant now, Totals totals, LedgerQuery.Dimension by,
                  List<LedgerQuery.Group> groups) {

        Duration observed() {
            if (totals.first() == null) return Duration.ZERO;
            Instant start = filter.from() == null || totals.first().isAfter(filter.from()) ? totals.first() : filter.from();
            Duration d = Duration.between(start, now);
            return d.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : d;
        }

        BigDecimal monthly(BigDecimal amount) {
            Duration d = observed();
            if (d.isZero()) return BigDecimal.ZERO;
            return amount.multiply(BigDecimal.valueOf(MONTH.toMillis()))
                    .divide(BigDecimal.valueOf(d.toMillis()), MathContext.DECIMAL64);
        }

        ObjectNode toJson() {
            ObjectNode o = Json.object();
            o.put("since", since);
            o.put("from", filter.from() == null ? null : filter.from().toString());
            o.put("to", now.toString());
            if (filter.tenant() != null) o.put("tenant", filter.tenant());
            putTotals(o, totals);
            ObjectNode tokens = o.putObject("tokens");
            tokens.put("input", totals.inputTokens());
            tokens.put("cached", totals.cachedTokens());
            tokens.put("output", totals.outputTokens());
            ObjectNode rr = o.putObject("run_rate");
            rr.put("observed_days", round(BigDecimal.valueOf(observed().toMillis() / 86_400_000.0), 4));
            rr.put("monthly_spend_usd", money(monthly(totals.spendUsd())));
            rr.put("monthly_baseline_usd", money(monthly(totals.baselineUsd())));
            rr.put("monthly_saved_usd", money(monthly(totals.savedUsd())));
            ArrayNode cfo = o.putArray("cfo");
            for (int x : new int[] {1, 2, 10}) {
                ObjectNode row = cfo.addObject();
                row.put("traffic", x);
                row.put("monthly_spend_usd", money(monthly(totals.spendUsd()).multiply(BigDecimal.valueOf(x))));
                row.put("monthly_baseline_usd", money(monthly(totals.baselineUsd()).multiply(BigDecimal.valueOf(x))));
                row.put("monthly_saved_usd", money(monthly(totals.savedUsd()).multiply(BigDecimal.valueOf(x))));
            }
            if (by != null) {
                o.put("by", by.label());
                ArrayNode g = o.putArray("groups");
                for (LedgerQuery.Group grp : groups) {
                    ObjectNode row = g.addObject();
                    row.put("key", grp.key());
                    putTotals(row, grp.totals());
                }
            }
            return o;
        }

        private static void putTotals(ObjectNode o, Totals t) {
            o.put("requests", t.requests());
            o.put("errors", t.errors());
            o.put("spend_usd", money(t.spendUsd()));
            o.put("baseline_usd", money(t.baselineUsd()));
            o.put("saved_usd", money(t.savedUsd()));
            o.put("saved_pct", round(BigDecimal.valueOf(t.savedPct()), 2));
        }

        void print(PrintStream out) {
            out.printf("tokenwise report — %s%s (%s to %s)%n", since.equalsIgnoreCase("all") ? "all time" : "last " + since,
                    filter.tenant() == null ? "" : ", tenant " + filter.tenant(),
                    filter.from() == null ? (totals.first() == null ? "-" : totals.first()) : filter.from(), now);
            if (totals.requests() == 0) {
                out.println("no requests in this window");
                return;
            }
            out.printf("%n  requests   %,d (%,d failed)%n", totals.requests(), totals.errors());
            out.printf("  spend      %s%n", dollars(totals.spendUsd()));
            out.printf("  baseline   %s   (requested models, full prompts, no cache)%n", dollars(totals.baselineUsd()));
            out.printf("  saved      %s   (%.1f%%)%n", dollars(totals.savedUsd()), totals.savedPct());
            Duration obs = observed();
            out.printf("%n  monthly run-rate (over %s observed%s)%n", human(obs),
                    obs.compareTo(Duration.ofDays(1)) < 0 ? "; under a day, so a rough extrapolation" : "");
            out.printf("  %-12s %18s %18s %18s%n", "traffic", "bill", "without tokenwise", "saved");
            for (int x : new int[] {1, 2, 10}) {
                BigDecimal m = BigDecimal.valueOf(x);
                out.printf("  %-12s %18s %18s %18s%n", x + "x" + (x == 1 ? " (today)" : ""),
                        dollars(monthly(totals.spendUsd()).multiply(m)), dollars(monthly(totals.baselineUsd()).multiply(m)),
                        dollars(monthly(totals.savedUsd()).multiply(m)));
            }
            if (by != null) {
                out.printf("%n  by %s%n", by.label());
                out.printf("  %-32s %9s %14s %14s %14s %8s%n", by.label(), "requests", "spend", "baseline", "saved", "saved%");
                for (LedgerQuery.Group g : groups) {
                    Totals t = g.totals();
                    String key = g.key() == null ? "-" : g.key();
                    if (key.length() > 32) key = key.substring(0, 29) + "...";
                    out.printf("  %-32s %,9d %14s %14s %14s %7.1f%%%n", key, t.requests(), dollars(t.spendUsd()),
                            dollars(t.baselineUsd()), dollars(t.savedUsd()), t.savedPct());
                }
            }
        }
    }

    static String human(Duration d) {
        if (d.compareTo(Duration.ofDays(1)) >= 0) return String.format(Locale.ROOT, "%.1f days", d.toMillis() / 86_400_000.0);
        if (d.compareTo(Duration.ofHours(1)) >= 0) return String.format(Locale.ROOT, "%.1f hours", d.toMillis() / 3_600_000.0);
        return d.toMinutes() + " minutes";
    }

    /** USD rounded to 6 decimals, as a JSON number. */
    static double money(BigDecimal v) {
        return round(v, 6);
    }

    static double round(BigDecimal v, int scale) {
        return v.setScale(scale, RoundingMode.HALF_UP).doubleValue();
    }

    /** "$1,234.57", or more decimals for sub-cent amounts. */
    static String dollars(BigDecimal v) {
        BigDecimal abs = v.abs();
        if (abs.signum() != 0 && abs.compareTo(new BigDecimal("0.01")) < 0) {
            return (v.signum() < 0 ? "-$" : "$") + abs.setScale(6, RoundingMode.HALF_UP).toPlainString();
        }
        return String.format(Locale.ROOT, "%s$%,.2f", v.signum() < 0 ? "-" : "", abs);
    }
}
