package dev.tokenwise.audit.find;

import java.util.List;

/**
 * One kind of waste found in a log, priced: what it costs now and what the fix would save.
 * Money is US dollars over the log's span; the {@code PerMonth} figures scale it to 30 days.
 *
 * @param id stable identifier (exact_repeats, near_duplicates, context_bloat, repeated_system_prompts,
 *     over_provisioned, output_waste, batchable)
 * @param strategy the gateway strategy that fixes it (cache-exact, cache-semantic, trim, prompt-cache,
 *     routing, output-cap, batch)
 * @param applicable false when the log lacks what the finding needs (text, feature tags)
 * @param note why it is not applicable, or how the saving was estimated
 * @param requests requests affected
 * @param tokens tokens (input + output) of the affected requests
 * @param costUsd what the affected requests cost
 * @param savingUsd projected saving of the fix alone (standalone, before de-duplication with other fixes)
 */
public record Finding(String id, String title, String strategy, boolean applicable, String note,
                      long requests, long tokens, double costUsd, double costPerMonthUsd,
                      double savingUsd, double savingPerMonthUsd, String action, List<Example> examples) {
    public Finding {
        examples = List.copyOf(examples);
    }

    /** A top offender: a prompt (or feature) and what it cost. */
    public record Example(String model, String feature, String prompt, long requests, double costUsd) {}

    static Finding notApplicable(String id, String title, String strategy, String why, String action) {
        return new Finding(id, title, strategy, false, why, 0, 0, 0, 0, 0, 0, action, List.of());
    }
}
