package dev.tokenwise.core.routing;

import dev.tokenwise.core.pricing.Price;
import dev.tokenwise.core.pricing.PriceCatalog;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.Usage;
import java.util.List;

/**
 * What answering each rated prompt costs on the weak and on the strong model, at catalog prices:
 * prompt tokens counted with each model's tokenizer; output tokens counted from the recorded
 * answers when the data has them, else a fixed assumed answer length.
 */
public final class RoutingCosts {
    /** Assumed answer length when the data has no responses (a short paragraph). */
    public static final int DEFAULT_OUTPUT_TOKENS = 200;

    private RoutingCosts() {}

    /** Cost per prompt: [0] weak, [1] strong. */
    public static double[][] of(List<LabelledPrompt> data, String weakModel, String strongModel, PriceCatalog catalog,
                                int assumedOutputTokens) {
        Price weak = catalog.find(weakModel).orElseThrow(() -> new IllegalArgumentException(
                "no price for weak model '" + weakModel + "' in the catalog (sheet " + catalog.sheet() + ")"));
        Price strong = catalog.find(strongModel).orElseThrow(() -> new IllegalArgumentException(
                "no price for strong model '" + strongModel + "' in the catalog (sheet " + catalog.sheet() + ")"));
        TokenCounter wt = TokenCounter.forModel(weakModel);
        TokenCounter st = TokenCounter.forModel(strongModel);
        double[][] out = new double[2][data.size()];
        for (int i = 0; i < data.size(); i++) {
            LabelledPrompt p = data.get(i);
            long wOut = p.weakResponse() != null ? wt.count(p.weakResponse()) : assumedOutputTokens;
            long sOut = p.strongResponse() != null ? st.count(p.strongResponse()) : assumedOutputTokens;
            out[0][i] = PriceCatalog.cost(weak, Usage.counted(wt.count(p.prompt()), wOut), 0).doubleValue();
            out[1][i] = PriceCatalog.cost(strong, Usage.counted(st.count(p.prompt()), sOut), 0).doubleValue();
        }
        return out;
    }
}
