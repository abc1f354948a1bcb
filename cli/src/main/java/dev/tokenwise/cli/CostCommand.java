package dev.tokenwise.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.pricing.Gpu;
import dev.tokenwise.core.pricing.Precision;
import dev.tokenwise.core.pricing.Price;
import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.core.pricing.SelfHostingPlan;
import dev.tokenwise.core.wire.Json;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tokenwise cost}: the seed's self-hosting formula ($/1M tokens from GPU $/hour and
 * tokens/s), and {@code cost plan}, which derives tokens/s from model size, precision and GPU.
 */
@Command(name = "cost", mixinStandardHelpOptions = true,
        description = {"Self-hosted cost per 1M tokens: GPU $/hour ÷ (tokens/s × 3600) × 10^6.",
                "Example: tokenwise cost --gpu-hourly 3 --tokens-per-second 800   (→ $1.04 per 1M tokens)",
                "See also: tokenwise cost plan --params-b 70 --precision int4 --gpu a100-80gb"},
        subcommands = {CostCommand.Plan.class, CostCommand.Gpus.class})
final class CostCommand implements Runnable {
    @Option(names = "--gpu-hourly", description = "GPU cost in USD per hour.")
    Double gpuHourly;

    @Option(names = "--tokens-per-second", description = "Generated tokens per second the GPU sustains.")
    Double tokensPerSecond;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public void run() {
        if (gpuHourly == null || tokensPerSecond == null) {
            throw new UserException("cost needs --gpu-hourly and --tokens-per-second (or use: tokenwise cost plan --help)");
        }
        if (gpuHourly < 0) throw new UserException("--gpu-hourly must be >= 0, was " + gpuHourly);
        if (tokensPerSecond <= 0) throw new UserException("--tokens-per-second must be > 0, was " + tokensPerSecond);
        BigDecimal perM = PriceCatalog.selfHostedPerMillion(gpuHourly, tokensPerSecond);
        PrintStream out = System.out;
        if (json) {
            ObjectNode o = Json.object();
            o.put("gpu_usd_per_hour", gpuHourly);
            o.put("tokens_per_second", tokensPerSecond);
            o.put("tokens_per_hour", tokensPerSecond * 3600);
            o.put("usd_per_million_tokens", perM.setScale(6, RoundingMode.HALF_UP));
            o.put("formula", "gpu_usd_per_hour / (tokens_per_second * 3600) * 1e6");
            out.println(Json.write(o));
            return;
        }
        out.println("Self-hosted cost per 1M tokens");
        Table t = new Table();
        t.row("GPU $/hour", money(gpuHourly));
        t.row("tokens/s", num(tokensPerSecond));
        t.row("tokens/hour", String.format(Locale.ROOT, "%,.0f", tokensPerSecond * 3600));
        t.row("$ per 1M tokens", "$" + perM.setScale(2, RoundingMode.HALF_UP).toPlainString());
        t.print(out);
        out.printf(Locale.ROOT, "= %s ÷ (%s × 3600) × 10^6%n", money(gpuHourly), num(tokensPerSecond));
    }

    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = {"Plan self-hosting an open model: memory, a bandwidth bound on decode speed, $/1M tokens,",
                    "and the monthly volume at which renting GPUs beats paying an API per token."})
    static final class Plan implements Runnable {
        @Option(names = "--params-b", required = true, description = "Model size in billions of parameters, e.g. 70.")
        double paramsB;

        @Option(names = "--precision", defaultValue = "fp16", description = "Weight precision: fp32, fp16, bf16, fp8, int8, int4 (default ${DEFAULT-VALUE}).")
        String precision;

        @Option(names = "--gpu", defaultValue = "a100-80gb", description = "GPU from the bundled table (tokenwise cost gpus); default ${DEFAULT-VALUE}.")
        String gpu;

        @Option(names = "--gpu-hourly", description = "Override the table's USD per GPU-hour.")
        Double gpuHourly;

        @Option(names = "--memory-utilization", defaultValue = "0.9", description = "Fraction of GPU memory for weights + KV cache (default ${DEFAULT-VALUE}).")
        double memoryUtilization;

        @Option(names = "--batch", defaultValue = "1", description = "Sequences decoded together; the bound scales with it until compute-bound (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--utilization", defaultValue = "0.5", description = "Fraction of paid hours spent generating (default ${DEFAULT-VALUE}).")
        double utilization;

        @Option(names = "--kv-mb-per-token", defaultValue = "0", description = "KV-cache MB per token, to size the context the spare memory holds "
                + "(Llama-3-70B fp16: 0.33).")
        double kvMbPerToken;

        @Option(names = "--compare-model", defaultValue = "gpt-4o", description = "API model to compare with (default ${DEFAULT-VALUE}).")
        String compareModel;

        @Option(names = "--price-sheet", defaultValue = PriceCatalog.DEFAULT_SHEET, description = "Price sheet for the API model (current, seed-2025).")
        String priceSheet;

        @Option(names = "--input-per-output", defaultValue = "3", description = "Input tokens per output token in your traffic, for the API's blended price (default ${DEFAULT-VALUE}).")
        double inputPerOutput;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Override
        public void run() {
            SelfHostingPlan p;
            Price api;
            try {
                Gpu g = Gpu.named(gpu);
                if (gpuHourly != null) g = g.withUsdPerHour(gpuHourly);
                p = new SelfHostingPlan(paramsB, Precision.parse(precision), g, memoryUtilization, batch, utilization, kvMbPerToken);
                api = PriceCatalog.bundled(priceSheet).find(compareModel).orElseThrow(() -> new UserException(
                        "--compare-model: no price for '" + compareModel + "' in sheet " + priceSheet));
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            BigDecimal blended = SelfHostingPlan.blendedPerMillion(api, inputPerOutput);
            double breakEven = p.breakEvenTokensPerMonth(blended);
            boolean cheaper = breakEven <= p.capacityTokensPerMonth();
            if (json) {
                System.out.println(Json.write(toJson(p, api, blended, breakEven, cheaper)));
                return;
            }
            print(p, api, blended, breakEven, cheaper, System.out);
        }

        private ObjectNode toJson(SelfHostingPlan p, Price api, BigDecimal blended, double breakEven, boolean cheaper) {
            ObjectNode o = Json.object();
            ObjectNode m = o.putObject("model");
            m.put("params_b", p.paramsBillions());
            m.put("precision", p.precision().label());
            m.put("bytes_per_param", p.precision().bytesPerParam());
            ObjectNode g = o.putObject("gpu");
            g.put("name", p.gpu().name());
            g.put("memory_gb", p.gpu().memoryGb());
            g.put("bandwidth_gbs", p.gpu().bandwidthGbs());
            g.put("usd_per_hour", p.gpu().usdPerHour());
            g.put("as_of", p.gpu().asOf() == null ? null : p.gpu().asOf().toString());
            g.put("source", p.gpu().source());
            o.put("memory_utilization", p.memoryUtilization());
            o.put("weight_gb", round(p.weightGb(), 3));
            o.put("gpus_needed", p.gpusNeeded());
            o.put("fits_on_one_gpu", p.fitsOnOneGpu());
            o.put("kv_cache_room_gb", round(p.kvCacheRoomGb(), 3));
            if (p.kvCacheTokens() >= 0) o.put("kv_cache_tokens", p.kvCacheTokens()); else o.putNull("kv_cache_tokens");
            o.put("decode_tokens_per_second_per_sequence", round(p.decodeTokensPerSecondPerSequence(), 3));
            o.put("batch", p.batch());
            o.put("aggregate_tokens_per_second", round(p.aggregateTokensPerSecond(), 3));
            o.put("usd_per_hour", round(p.usdPerHour(), 4));
            o.put("monthly_cost_usd", round(p.monthlyCostUsd(), 2));
            o.put("usd_per_million_at_bound", p.usdPerMillionAtBound().setScale(6, RoundingMode.HALF_UP));
            o.put("utilization", p.utilization());
            o.put("usd_per_million_at_utilization", p.usdPerMillionAtUtilization().setScale(6, RoundingMode.HALF_UP));
            o.put("capacity_tokens_per_month", Math.round(p.capacityTokensPerMonth()));
            ObjectNode c = o.putObject("compare");
            c.put("model", compareModel);
            c.put("price_sheet", priceSheet);
            c.put("input_usd_per_million", api.input());
            c.put("output_usd_per_million", api.output());
            c.put("input_per_output", inputPerOutput);
            c.put("blended_usd_per_million", blended.setScale(6, RoundingMode.HALF_UP));
            if (Double.isInfinite(breakEven)) c.putNull("break_even_tokens_per_month");
            else c.put("break_even_tokens_per_month", Math.round(breakEven));
            c.put("self_hosting_cheaper_at_capacity", cheaper);
            return o;
        }

        private void print(SelfHostingPlan p, Price api, BigDecimal blended, double breakEven, boolean cheaper, PrintStream out) {
            out.printf(Locale.ROOT, "Self-hosting a %sB model in %s on %s%n", num(p.paramsBillions()), p.precision().label(), p.gpu().name());
            Table t = new Table();
            t.row("weights", String.format(Locale.ROOT, "%.1f GB (%s B params × %s bytes)", p.weightGb(), num(p.paramsBillions()),
                    num(p.precision().bytesPerParam())));
            t.row("GPU memory", String.format(Locale.ROOT, "%s GB each, %.0f%% usable = %.1f GB", num(p.gpu().memoryGb()),
                    p.memoryUtilization() * 100, p.usableGbPerGpu()));
            t.row("fits", p.fitsOnOneGpu() ? "yes, on 1 GPU" : "no: needs " + p.gpusNeeded() + " GPUs (tensor-parallel)");
            t.row("KV-cache room", String.format(Locale.ROOT, "%.1f GB%s", p.kvCacheRoomGb(),
                    p.kvCacheTokens() >= 0 ? String.format(Locale.ROOT, " (~%,d tokens of context)", p.kvCacheTokens()) : ""));
            t.row("decode bound", String.format(Locale.ROOT, "%.1f tokens/s per sequence (%s GB/s × %d ÷ %.1f GB)",
                    p.decodeTokensPerSecondPerSequence(), num(p.gpu().bandwidthGbs()), p.gpusNeeded(), p.weightGb()));
            t.row("batch", p.batch() + " → " + String.format(Locale.ROOT, "%.1f tokens/s in total", p.aggregateTokensPerSecond()));
            t.row("GPU cost", String.format(Locale.ROOT, "%s/hour, %s/month (730 h)", money(p.usdPerHour()), money(p.monthlyCostUsd())));
            t.row("$/1M at bound", "$" + p.usdPerMillionAtBound().setScale(2, RoundingMode.HALF_UP).toPlainString() + " (100% busy)");
            t.row("$/1M at util", "$" + p.usdPerMillionAtUtilization().setScale(2, RoundingMode.HALF_UP).toPlainString()
                    + String.format(Locale.ROOT, " (%.0f%% busy)", p.utilization() * 100));
            t.row("capacity", String.format(Locale.ROOT, "%,.0f tokens/month", p.capacityTokensPerMonth()));
            t.row(compareModel, String.format(Locale.ROOT, "$%s in / $%s out per 1M → $%s blended (%s:1 input:output)",
                    api.input().stripTrailingZeros().toPlainString(), api.output().stripTrailingZeros().toPlainString(),
                    blended.setScale(3, RoundingMode.HALF_UP).toPlainString(), num(inputPerOutput)));
            t.row("break-even", Double.isInfinite(breakEven) ? "never (the API model is free)"
                    : String.format(Locale.ROOT, "%,.0f tokens/month", breakEven));
            t.print(out);
            out.println(cheaper
                    ? "Self-hosting is cheaper above the break-even volume, which this deployment can serve."
                    : "At this size, the deployment cannot serve the break-even volume: the API is cheaper "
                            + "(a larger batch, higher utilization or a smaller precision changes that).");
            out.println("The decode bound is an upper limit: real servers reach 50-80% of it; batching multiplies the total.");
        }
    }

    @Command(name = "gpus", mixinStandardHelpOptions = true, description = "List the bundled GPU table.")
    static final class Gpus implements Runnable {
        @Option(names = "--json", description = "Print a JSON array.")
        boolean json;

        @Override
        public void run() {
            if (json) {
                var arr = Json.array();
                for (Gpu g : Gpu.bundled().values()) {
                    ObjectNode o = arr.addObject();
                    o.put("name", g.name());
                    o.put("memory_gb", g.memoryGb());
                    o.put("bandwidth_gbs", g.bandwidthGbs());
                    o.put("usd_per_hour", g.usdPerHour());
                    o.put("as_of", String.valueOf(g.asOf()));
                    o.put("source", g.source());
                }
                System.out.println(Json.write(arr));
                return;
            }
            String fmt = "%-11s %8s %10s %8s  %-10s %s%n";
            System.out.printf(fmt, "GPU", "MEMORY", "BANDWIDTH", "$/HOUR", "AS OF", "SOURCE");
            for (Gpu g : Gpu.bundled().values()) {
                System.out.printf(Locale.ROOT, fmt, g.name(), num(g.memoryGb()) + " GB", num(g.bandwidthGbs()) + " GB/s",
                        money(g.usdPerHour()), g.asOf(), g.source());
            }
        }
    }

    /** A two-column aligned table for terminals. */
    private static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        void row(String k, String v) { rows.add(new String[] {k, v}); }

        void print(PrintStream out) {
            int w = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
            for (String[] r : rows) out.printf("  %-" + w + "s  %s%n", r[0], r[1]);
        }
    }

    static String num(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    static String money(double d) {
        return String.format(Locale.ROOT, "$%,.2f", d);
    }

    private static double round(double v, int digits) {
        return BigDecimal.valueOf(v).setScale(digits, RoundingMode.HALF_UP).doubleValue();
    }
}
