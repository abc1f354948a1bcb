package dev.tokenwise.cli;

import dev.tokenwise.audit.Audit;
import dev.tokenwise.audit.AuditOptions;
import dev.tokenwise.audit.AuditReport;
import dev.tokenwise.audit.Progress;
import dev.tokenwise.audit.find.Finding;
import dev.tokenwise.audit.read.LogFormat;
import dev.tokenwise.audit.read.ReadOptions;
import dev.tokenwise.audit.report.HtmlReport;
import dev.tokenwise.audit.report.JsonReport;
import dev.tokenwise.audit.simulate.Simulation;
import dev.tokenwise.core.pricing.PriceCatalog;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tokenwise audit}: find the waste in a production log and price each fix before deploying anything. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Audit LLM request logs: findings with $ per month, a savings replay through the recommended "
                + "configuration, an HTML/JSON report and a rating sample.")
final class AuditCommand implements Runnable {
    @Parameters(arity = "1..*", paramLabel = "LOG", description = "Log files (OpenAI JSONL, tokenwise ledger, token CSV, LiteLLM spend logs).")
    List<Path> logs;

    @Option(names = "--format", description = "Log format (detected per file when absent): ${COMPLETION-CANDIDATES}",
            completionCandidates = Formats.class)
    String format;

    @Option(names = "--out", description = "Write the HTML report here.")
    Path out;

    @Option(names = "--json", description = "Print the report as JSON on stdout instead of the summary.")
    boolean json;

    @Option(names = "--price-sheet", defaultValue = PriceCatalog.DEFAULT_SHEET, description = "Price sheet (default: ${DEFAULT-VALUE}; also seed-2025).")
    String priceSheet;

    @Option(names = "--assume-model", defaultValue = "gpt-4o", description = "Model that prices rows naming none, e.g. token-only traces (default: ${DEFAULT-VALUE}).")
    String assumeModel;

    @Option(names = "--sample", description = "Export a stratified random sample of this many requests for rating.")
    Integer sample;

    @Option(names = "--sample-out", description = "Where the rating sample CSV goes (with --sample).")
    Path sampleOut;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the rating sample (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--timings", description = "Print how long each phase took on stderr.")
    boolean timings;

    @Option(names = "--config-out", description = "Write the recommended tokenwise.yaml here.")
    Path configOut;

    static final class Formats implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(LogFormat.values()).map(LogFormat::id).iterator();
        }
    }

    @Override
    public void run() {
        // The replay runs the gateway's stages over the whole log; their operational warnings (the
        // length monitor flagging a route, for one) describe the simulated traffic, not this process.
        System.setProperty("org.slf4j.simpleLogger.log.dev.tokenwise.gateway", "error");
        if (sample != null && sampleOut == null) throw new UserException("--sample needs --sample-out FILE.csv");
        if (sampleOut != null && sample == null) throw new UserException("--sample-out needs --sample N");
        if (!PriceCatalog.bundledSheets().contains(priceSheet)) {
            throw new UserException("unknown --price-sheet '" + priceSheet + "' (known: " + PriceCatalog.bundledSheets() + ")");
        }
        LogFormat f = format == null ? null : LogFormat.byId(format);
        Progress progress = timings ? new PhaseTimings(System.err)
                : System.console() != null ? new TerminalProgress(System.err) : Progress.NONE;
        long t0 = System.nanoTime();
        try (Audit audit = Audit.load(logs, new AuditOptions(f, priceSheet, new ReadOptions(assumeModel)), progress)) {
            AuditReport r = audit.report();
            if (out != null) Files.writeString(out, HtmlReport.render(r), StandardCharsets.UTF_8);
            if (configOut != null) Files.writeString(configOut, r.recommendedConfig(), StandardCharsets.UTF_8);
            long sampled = sample == null ? 0 : audit.writeSample(sample, sampleOut, new SplittableRandom(seed));
            if (json) {
                System.out.println(JsonReport.render(r));
            } else {
                summary(System.out, r, (System.nanoTime() - t0) / 1e9);
                if (out != null) System.out.println("report: " + out);
                if (configOut != null) System.out.println("recommended config: " + configOut);
                if (sample != null) System.out.println("rating sample: " + sampled + " requests -> " + sampleOut);
            }
            for (String p : r.problems()) System.err.println("tokenwise: skipped " + p);
            if (r.skippedLines() > r.problems().size()) {
                System.err.println("tokenwise: ... " + (r.skippedLines() - r.problems().size()) + " more malformed lines skipped");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void summary(PrintStream o, AuditReport r, double seconds) {
        Simulation.Result s = r.simulation();
        o.printf(Locale.ROOT, "tokenwise audit: %,d requests over %.2f days (%s), price sheet %s, %.1f s%n", r.requests(), r.spanDays(),
                String.join(", ", r.sources().stream().map(AuditReport.Source::format).distinct().toList()), r.priceSheet(), seconds);
        if (r.skippedLines() > 0) o.printf(Locale.ROOT, "  %,d malformed lines skipped (listed on stderr)%n", r.skippedLines());
        o.printf(Locale.ROOT, "  spend:  $%,.2f per month%n", r.costPerMonthUsd());
        o.printf(Locale.ROOT, "  after:  $%,.2f per month with the recommended configuration: %.1f%% saved ($%,.2f per month)%n",
                s.afterPerMonthUsd(), s.savingPct(), s.savedPerMonthUsd());
        for (Simulation.Step st : s.waterfall()) {
            o.printf(Locale.ROOT, "    %-15s -$%,.2f/month  %5.1f%% of the saving  (%,d requests)%n", st.strategy(), st.savedPerMonthUsd(),
                    100 * st.shareOfSaving(), st.requestsApplied());
        }
        o.println("  findings (each fix alone):");
        for (Finding f : r.findings()) {
            if (!f.applicable()) {
                o.printf(Locale.ROOT, "    %-24s not applicable: %s%n", f.id(), f.note());
            } else {
                o.printf(Locale.ROOT, "    %-24s %,9d requests  $%,.2f/month  saving $%,.2f/month%n", f.id(), f.requests(),
                        f.costPerMonthUsd(), f.savingPerMonthUsd());
            }
        }
        if (!r.unknownModels().isEmpty()) o.println("  models missing from the price sheet (priced $0): " + r.unknownModels());
    }
}
