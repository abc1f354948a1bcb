package dev.tokenwise.audit.read;

/**
 * How to read logs that leave something out.
 *
 * @param assumeModel the model to price rows that name none (token-only traces)
 */
public record ReadOptions(String assumeModel) {
    public static final ReadOptions DEFAULTS = new ReadOptions("gpt-4o");

    public ReadOptions {
        if (assumeModel == null || assumeModel.isBlank()) assumeModel = "gpt-4o";
    }
}
