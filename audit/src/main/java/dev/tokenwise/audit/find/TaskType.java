package dev.tokenwise.audit.find;

/**
 * What a request asks the model to do, with the model tier the seed playbook's task table
 * recommends for it ("FAQ lookup, slot extraction, simple classification: smallest model", ...).
 */
public enum TaskType {
    FAQ("small"), EXTRACTION("small"), CLASSIFICATION("small"),
    SUMMARIZATION("mid"), DRAFTING("mid"), CODE("mid"),
    REASONING("large"), CREATIVE("large"), CHAT("large"),
    /** No text in the log: the task cannot be told. */
    UNKNOWN("large");

    private final String tier;

    TaskType(String tier) {
        this.tier = tier;
    }

    /** small, mid or large. */
    public String recommendedTier() { return tier; }

    public String id() { return name().toLowerCase(java.util.Locale.ROOT); }
}
