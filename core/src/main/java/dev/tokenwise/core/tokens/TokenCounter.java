package dev.tokenwise.core.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import dev.tokenwise.core.wire.Message;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Counts tokens the way the model's vendor bills them: exact tiktoken encodings for OpenAI models
 * (o200k_base for the GPT-4o/4.1/o-series family, cl100k_base for GPT-4 and GPT-3.5) plus
 * OpenAI's chat-format overhead; other vendors are estimated with cl100k_base, which is within a
 * few percent for English text. Provider-reported usage always wins over these counts.
 */
public final class TokenCounter {
    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
    /** Tokens OpenAI adds per message (role and separators) in the chat format. */
    public static final int TOKENS_PER_MESSAGE = 3;
    /** Tokens added when a message carries a name. */
    public static final int TOKENS_PER_NAME = 1;
    /** Tokens that prime the assistant's reply. */
    public static final int REPLY_PRIMING = 3;

    private static final TokenCounter O200K = new TokenCounter(EncodingType.O200K_BASE, true);
    private static final TokenCounter CL100K = new TokenCounter(EncodingType.CL100K_BASE, true);
    private static final TokenCounter ESTIMATE = new TokenCounter(EncodingType.CL100K_BASE, false);

    private final Encoding encoding;
    private final EncodingType type;
    private final boolean exact;

    private TokenCounter(EncodingType type, boolean exact) {
        this.type = type;
        this.encoding = REGISTRY.getEncoding(type);
        this.exact = exact;
    }

    /** The counter for a model name (case-insensitive; vendor prefixes like "openai/" are ignored). */
    public static TokenCounter forModel(String model) {
        String m = model == null ? "" : model.toLowerCase(Locale.ROOT);
        int slash = m.lastIndexOf('/');
        if (slash >= 0) m = m.substring(slash + 1);
        if (m.startsWith("gpt-4o") || m.startsWith("gpt-4.1") || m.startsWith("gpt-4.5") || m.startsWith("gpt-5")
                || m.startsWith("o1") || m.startsWith("o3") || m.startsWith("o4") || m.startsWith("chatgpt-4o")) {
            return O200K;
        }
        if (m.startsWith("gpt-4") || m.startsWith("gpt-3.5") || m.startsWith("text-embedding")) {
            return CL100K;
        }
        return ESTIMATE;
    }

    /** The encoding's name, e.g. "o200k_base". */
    public String encodingName() { return encoding.getName(); }

    /** False when the count is an estimate for a non-OpenAI model. */
    public boolean exact() { return exact; }

    public int count(String text) {
        if (text == null || text.isEmpty()) return 0;
        return encoding.countTokensOrdinary(wellFormed(text));
    }

    /**
     * The text with each unpaired surrogate (JSON allows {@code "\ud83d"} alone) replaced by
     * U+FFFD, as a UTF-8 encoder would: the encoding refuses such text, and a client's odd string
     * must not fail its request. The text itself when it has none (the usual case, no copy).
     */
    static String wellFormed(String text) {
        int n = text.length();
        StringBuilder fixed = null; // made at the first unpaired surrogate
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                if (fixed != null) fixed.append(c).append(text.charAt(i + 1));
                i++;
            } else if (Character.isSurrogate(c)) {
                if (fixed == null) fixed = new StringBuilder(n).append(text, 0, i);
                fixed.append('\uFFFD');
            } else if (fixed != null) {
                fixed.append(c);
            }
        }
        return fixed == null ? text : fixed.toString();
    }

    /** Prompt tokens of a chat request as OpenAI counts them (messages + chat overhead). */
    public int countMessages(List<Message> messages) {
        return (int) sumMessages(messages, this::count);
    }

    /**
     * An upper bound of {@link #countMessages} without encoding anything: every token of these
     * byte-level BPE encodings stands for at least one UTF-8 byte of its text, so a text has at most
     * as many tokens as bytes. One pass over the characters; loose (English runs about 4 bytes a token).
     */
    public long upperBoundMessages(List<Message> messages) {
        return sumMessages(messages, TokenCounter::utf8Bound);
    }

    private static long sumMessages(List<Message> messages, ToLongFunction<String> tokens) {
        long total = 0;
        for (Message m : messages) {
            total += TOKENS_PER_MESSAGE;
            total += tokens.applyAsLong(m.role());
            total += tokens.applyAsLong(m.text());
            String name = m.raw().path("name").asText(null);
            if (name != null) total += tokens.applyAsLong(name) + TOKENS_PER_NAME;
            if (m.hasToolCalls()) total += tokens.applyAsLong(m.raw().get("tool_calls").toString());
        }
        return total + REPLY_PRIMING;
    }

    /** At least the UTF-8 length of a text: 1 byte per ASCII char, 2 below U+0800, 3 otherwise (a surrogate pair: 6 for its 4). */
    static long utf8Bound(String text) {
        if (text == null) return 0;
        long n = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) n += c < 0x800 ? 1 : 2;
        }
        return n;
    }
}
