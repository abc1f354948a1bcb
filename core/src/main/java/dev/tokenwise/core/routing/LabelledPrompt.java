package dev.tokenwise.core.routing;

/**
 * One rated prompt: whether the weak (small) and the strong (large) model answered it acceptably,
 * with their answers when known. The unit of every routing dataset.
 *
 * @param prompt the prompt text
 * @param group the subject or dataset it came from (used for held-out splits); never a feature
 * @param weakOk the weak model's answer was acceptable
 * @param strongOk the strong model's answer was acceptable
 * @param weakResponse the weak model's answer, or null
 * @param strongResponse the strong model's answer, or null
 */
public record LabelledPrompt(String prompt, String group, boolean weakOk, boolean strongOk,
                             String weakResponse, String strongResponse) {
    public LabelledPrompt {
        if (prompt == null) throw new IllegalArgumentException("prompt must not be null");
        if (group == null) group = "";
    }

    public static LabelledPrompt of(String prompt, boolean weakOk, boolean strongOk) {
        return new LabelledPrompt(prompt, "", weakOk, strongOk, null, null);
    }

    public boolean hasResponses() {
        return weakResponse != null && strongResponse != null;
    }
}
