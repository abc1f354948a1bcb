package dev.tokenwise.audit.find;

import java.util.Locale;

/**
 * Which tier a model name belongs to and which small model of the same vendor a routed request
 * would go to. Known families only; anything else is "unknown" and never routed.
 */
public final class ModelTiers {
    private ModelTiers() {}

    public static String tier(String model) {
        String m = base(model);
        if (m.contains("mini") || m.contains("nano") || m.contains("haiku") || m.contains("8b") || m.contains("7b")
                || m.contains("small") || m.startsWith("gpt-3.5")) {
            return "small";
        }
        if (m.contains("70b") || m.contains("mixtral") || m.contains("13b")) return "mid";
        if (m.startsWith("gpt-4") || m.startsWith("o1") || m.startsWith("o3") || m.startsWith("gpt-5")
                || m.contains("sonnet") || m.contains("opus")) {
            return "large";
        }
        return "unknown";
    }

    /** The vendor's small model a small-tier task on {@code model} would be routed to. */
    public static String smallFor(String model) {
        String m = base(model);
        if (m.startsWith("claude")) return "claude-3-haiku";
        if (m.startsWith("llama")) return "llama-3-8b";
        if (m.startsWith("mistral") || m.startsWith("mixtral")) return "mistral-small";
        return "gpt-4o-mini";
    }

    private static String base(String model) {
        String m = model == null ? "" : model.toLowerCase(Locale.ROOT);
        int slash = m.lastIndexOf('/');
        return slash >= 0 ? m.substring(slash + 1) : m;
    }
}
