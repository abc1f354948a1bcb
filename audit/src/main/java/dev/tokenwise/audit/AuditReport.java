package dev.tokenwise.audit;

import dev.tokenwise.audit.find.Finding;
import dev.tokenwise.audit.simulate.Simulation;
import java.util.List;

/**
 * Everything an audit found, in one value: rendered as the HTML report and written as
 * {@code --json} (snake_case keys). Money in US dollars; {@code *_per_month_usd} scales the log's
 * span to 30 days.
 */
public record AuditReport(List<Source> sources, long requests, long skippedLines, List<String> problems,
                          String priceSheet, List<String> unknownModels, String from, String to, double spanDays,
                          double monthFactor, boolean textAvailable, double costUsd, double costPerMonthUsd,
                          long inputTokens, long outputTokens, List<Spend> spendByModel, List<Spend> spendByFeature,
                          String timeBucket, List<Point> spendOverTime, List<Finding> findings,
                          Simulation.Result simulation, String recommendedConfig) {
    /** One input file. */
    public record Source(String file, String format, long requests) {}

    /** Spend of one model or feature. */
    public record Spend(String name, long requests, long tokens, double costUsd, double costPerMonthUsd, double share) {}

    /** Spend of one model in one time bucket (ISO start of the day or hour). */
    public record Point(String bucket, String model, double costUsd) {}
}
