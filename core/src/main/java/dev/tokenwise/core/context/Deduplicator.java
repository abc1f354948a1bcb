package dev.tokenwise.core.context;

import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.Message;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Removes context sent more than once in one request: a system prompt repeated later in the
 * conversation, and long blocks (documents, logs, code) pasted into more than one message. The
 * first copy is kept where it was, so the stable prefix is unchanged; later copies are removed
 * (a repeated system message) or replaced by a one-line note (a repeated block).
 */
public final class Deduplicator {
    /** Text that replaces a repeated block. */
    public static final String NOTE = "[tokenwise: identical text omitted here; it appears earlier in this conversation]";
    private static final Pattern BLOCKS = Pattern.compile("\\n\\s*\\n");
    private static final Pattern SPACE = Pattern.compile("\\s+");

    private Deduplicator() {}

    /** The deduplicated messages and what was removed. */
    public record Result(List<Message> messages, int systemRemoved, int blocksRemoved, int tokensRemoved) {
        public boolean changed() { return systemRemoved > 0 || blocksRemoved > 0; }
    }

    /**
     * @param minBlockChars blocks shorter than this are never treated as documents (short lines
     *     like "Thanks!" repeat legitimately)
     */
    public static Result dedup(List<Message> messages, int minBlockChars, TokenCounter counter) {
        Set<String> systems = new HashSet<>();
        Set<String> blocks = new HashSet<>();
        List<Message> out = new ArrayList<>(messages.size());
        int systemRemoved = 0;
        int blocksRemoved = 0;
        int removed = 0;
        for (Message m : messages) {
            boolean system = "system".equals(m.role()) || "developer".equals(m.role());
            boolean plainText = m.content() != null && m.content().isTextual();
            if (system && plainText && !m.text().isBlank() && !systems.add(normalise(m.text()))) {
                systemRemoved++;
                removed += counter.countMessages(List.of(m)) - TokenCounter.REPLY_PRIMING;
                continue;
            }
            if (!plainText || m.text().length() < minBlockChars) {
                if (plainText) rememberBlocks(m.text(), minBlockChars, blocks);
                out.add(m);
                continue;
            }
            String[] parts = BLOCKS.split(m.text());
            StringBuilder sb = new StringBuilder();
            boolean changed = false;
            boolean lastWasNote = false;
            Set<String> mine = new HashSet<>();
            for (String part : parts) {
                String key = normalise(part);
                boolean repeat = key.length() >= minBlockChars && (blocks.contains(key) || !mine.add(key));
                if (repeat) {
                    blocksRemoved++;
                    changed = true;
                    if (lastWasNote) continue;
                    append(sb, NOTE);
                    lastWasNote = true;
                } else {
                    append(sb, part);
                    lastWasNote = false;
                }
            }
            blocks.addAll(mine);
            if (changed) removed += counter.count(m.text()) - counter.count(sb.toString());
            out.add(changed ? m.withText(sb.toString()) : m);
        }
        removed = Math.max(0, removed);
        return new Result(List.copyOf(out), systemRemoved, blocksRemoved, removed);
    }

    private static void rememberBlocks(String text, int minBlockChars, Set<String> blocks) {
        for (String part : BLOCKS.split(text)) {
            String key = normalise(part);
            if (key.length() >= minBlockChars) blocks.add(key);
        }
    }

    private static void append(StringBuilder sb, String part) {
        if (!sb.isEmpty()) sb.append("\n\n");
        sb.append(part);
    }

    private static String normalise(String s) {
        return SPACE.matcher(s.strip()).replaceAll(" ");
    }
}
