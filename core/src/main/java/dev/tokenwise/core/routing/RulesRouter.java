package dev.tokenwise.core.routing;

import java.util.regex.Pattern;

/**
 * The cost playbook's task table as a router: recognise the kind of task from cues in the prompt
 * and map it to a model tier. Needs no training data; a starting point until rated traffic exists.
 */
public final class RulesRouter implements Router {
    /** A task kind from the playbook and the tier that answers it acceptably. */
    public enum Task {
        FAQ_LOOKUP(Tier.SMALL), SLOT_EXTRACTION(Tier.SMALL), SIMPLE_CLASSIFICATION(Tier.SMALL),
        STRUCTURED_EXTRACTION(Tier.SMALL), DRAFTING(Tier.MID), CODE_SNIPPET(Tier.MID),
        LONG_SUMMARISATION(Tier.MID), COMPLEX_REASONING(Tier.LARGE), MULTI_STEP_ANALYSIS(Tier.LARGE),
        CREATIVE_OR_RESEARCH(Tier.LARGE),
        UNKNOWN(Tier.LARGE);

        public final Tier tier;

        Task(Tier tier) { this.tier = tier; }
    }

    /** Model tiers, as in {@code models.<name>.tier}. */
    public enum Tier {
        SMALL("small", 0.2), MID("mid", 0.5), LARGE("large", 0.85);

        public final String configName;
        public final double difficulty;

        Tier(String configName, double difficulty) {
            this.configName = configName;
            this.difficulty = difficulty;
        }

        public static Tier of(String name) {
            for (Tier t : values()) if (t.configName.equals(name)) return t;
            throw new IllegalArgumentException("unknown tier '" + name + "' (small, mid, large)");
        }
    }

    private static final Pattern REASONING = Pattern.compile("(?i)\\b(prove|derive|step[- ]by[- ]step|reason(ing)? (through|about)|"
            + "why does|why do|why is|calculate|compute|solve|how many|how much|probability|optimi[sz]e|trade-?offs?|implications?)\\b");
    private static final Pattern ANALYSIS = Pattern.compile("(?i)\\b(analy[sz]e|analysis|compare|contrast|evaluate|assess|critique|"
            + "plan|strategy|root cause|diagnos(e|is)|multi-step|recommend)\\b");
    private static final Pattern CODE = Pattern.compile("(?i)```|\\b(function|snippet|regex|sql|python|java(script)?|typescript|bash|"
            + "code|implement|refactor|unit test|class|method)\\b");
    private static final Pattern DRAFT = Pattern.compile("(?i)\\b(write|draft|compose|rewrite|rephrase|reply to|respond to|"
            + "email|letter|blog|post|announcement|cover letter)\\b");
    private static final Pattern CREATIVE = Pattern.compile("(?i)\\b(story|poem|novel|screenplay|lyrics|creative|research|"
            + "literature review|brainstorm)\\b");
    private static final Pattern SUMMARISE = Pattern.compile("(?i)\\b(summari[sz]e|summary|tl;?dr|key points|condense)\\b");
    private static final Pattern EXTRACT = Pattern.compile("(?i)\\b(extract|parse|pull out|fill in|fields?|json|structured|"
            + "as a table|list (all|the) )\\b");
    private static final Pattern SLOT = Pattern.compile("(?i)\\b(date|time|name|address|phone|email address|order number|"
            + "amount|quantity)\\b");
    private static final Pattern CLASSIFY = Pattern.compile("(?i)\\b(classify|categori[sz]e|label|sentiment|is this|yes or no|"
            + "true or false|spam|which category|tag)\\b|(?m)^\\s*[A-D][.)]\\s");
    private static final Pattern FAQ = Pattern.compile("(?i)^\\s*(what|where|when|who|how do i|how can i|can i|do you|is there|"
            + "what's|whats)\\b");

    /** Prompts longer than this are "long" for summarisation (characters, about 1,500 tokens). */
    static final int LONG_TEXT = 6000;

    /** The task the prompt most likely is, checked from most to least demanding. */
    public static Task classify(String prompt) {
        String p = prompt == null ? "" : prompt;
        double math = PromptFeatures.mathSymbolDensity(p);
        boolean summarise = SUMMARISE.matcher(p).find();
        if (summarise && p.length() >= LONG_TEXT) return Task.LONG_SUMMARISATION;
        if (REASONING.matcher(p).find() || math > 0.02) return Task.COMPLEX_REASONING;
        if (ANALYSIS.matcher(p).find()) return Task.MULTI_STEP_ANALYSIS;
        if (CREATIVE.matcher(p).find()) return Task.CREATIVE_OR_RESEARCH;
        if (CODE.matcher(p).find()) return Task.CODE_SNIPPET;
        if (DRAFT.matcher(p).find()) return Task.DRAFTING;
        if (summarise) return Task.LONG_SUMMARISATION;
        if (EXTRACT.matcher(p).find()) return SLOT.matcher(p).find() ? Task.SLOT_EXTRACTION : Task.STRUCTURED_EXTRACTION;
        if (CLASSIFY.matcher(p).find()) return Task.SIMPLE_CLASSIFICATION;
        if (FAQ.matcher(p).find() && p.length() < 400) return Task.FAQ_LOOKUP;
        return Task.UNKNOWN;
    }

    @Override
    public double difficulty(String prompt) {
        return classify(prompt).tier.difficulty;
    }

    @Override
    public String kind() { return "rules"; }
}
