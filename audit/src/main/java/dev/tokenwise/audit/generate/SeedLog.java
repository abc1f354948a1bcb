package dev.tokenwise.audit.generate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.wire.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * A synthetic OpenAI-JSONL log shaped like the seed playbook's production scenario, for tests and
 * benchmarks: GPT-4o answering "What are your business hours?" and other static FAQs, the same
 * "summarize this product description" prompt on the same 200 products, support chats sending
 * ~8,000-token histories for three-sentence replies behind a long system prompt, ticket
 * classification and nightly attribute extraction on the top-tier model, long email drafts
 * without max_tokens, and a slice of genuinely hard analysis that should stay where it is.
 * Deterministic for a seed; spans seven days from 2025-06-01. Conversation histories are
 * abbreviated in the messages; the logged usage carries their real token counts, as production
 * logs do.
 */
public final class SeedLog {
    static final Instant START = Instant.parse("2025-06-01T00:00:00Z");
    static final long SPAN_MS = 7L * 86_400_000;

    private static final List<List<String>> FAQ = List.of(
            List.of("What are your business hours?", "what are your business hours", "What are your business hours??", "WHAT ARE YOUR BUSINESS HOURS?"),
            List.of("How do I reset my password?", "how do i reset my password", "How do I reset my password??", "How do I reset my password ?"),
            List.of("Do you ship internationally?", "do you ship internationally", "Do you ship internationally??", "DO YOU SHIP INTERNATIONALLY?"),
            List.of("What is your return policy?", "what is your return policy", "What is your return policy??", "What's your return policy?"),
            List.of("How long does shipping take?", "how long does shipping take", "How long does shipping take??", "How long does shipping take ?"),
            List.of("Where is my order?", "where is my order", "Where is my order??", "WHERE IS MY ORDER?"),
            List.of("Can I change my delivery address?", "can i change my delivery address", "Can I change my delivery address??", "Can I change my delivery address ?"),
            List.of("Do you offer student discounts?", "do you offer student discounts", "Do you offer student discounts??", "DO YOU OFFER STUDENT DISCOUNTS?"),
            List.of("How do I cancel my subscription?", "how do i cancel my subscription", "How do I cancel my subscription??", "How do I cancel my subscription ?"),
            List.of("What payment methods do you accept?", "what payment methods do you accept", "What payment methods do you accept??", "WHAT PAYMENT METHODS DO YOU ACCEPT?"));
    private static final String[] NOUNS = {"water bottle", "backpack", "desk lamp", "running shoe", "coffee grinder", "phone case",
            "yoga mat", "bluetooth speaker", "rain jacket", "chef knife", "office chair", "travel mug", "camping tent", "wool scarf"};
    private static final String[] ADJ = {"stainless steel", "lightweight", "ergonomic", "waterproof", "recycled", "compact", "premium",
            "handmade", "foldable", "insulated"};
    private static final String CHAT_SYSTEM = buildChatSystem();

    private SeedLog() {}

    /** Writes {@code n} requests to {@code out}; returns the number written. */
    public static long write(long n, Path out, long seed) {
        Random rnd = new Random(seed);
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (long i = 0; i < n; i++) {
                w.write(Json.write(line(i, n, rnd)));
                w.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }

    static ObjectNode line(long i, long n, Random rnd) {
        double kind = rnd.nextDouble();
        long t = START.toEpochMilli() + (long) ((double) i / Math.max(1, n) * SPAN_MS);
        ObjectNode req = Json.object();
        String feature;
        String system;
        String prompt;
        String answer;
        long in;
        long out;
        int history = 0;
        boolean stream = false;
        String model = "gpt-4o";
        if (kind < 0.25) {
            feature = "support-faq";
            List<String> q = FAQ.get(rnd.nextInt(FAQ.size()));
            prompt = q.get(rnd.nextInt(q.size()));
            system = "You are the customer support assistant of Acme Store. Answer briefly and politely.";
            answer = "Our support team is available Monday to Friday, 9am to 6pm CET. Anything else I can help with?";
            in = 450 + rnd.nextInt(100); // system prompt with the store's FAQ knowledge base (abbreviated in the text)
            out = 40 + rnd.nextInt(30);
            stream = true;
        } else if (kind < 0.45) {
            feature = "product-summary";
            int p = rnd.nextInt(200);
            prompt = "Summarize this product description: " + product(p);
            system = null;
            answer = "A " + ADJ[p % ADJ.length] + " " + NOUNS[p % NOUNS.length] + " built for everyday use, with a two-year warranty.";
            in = 320 + (p % 60);
            out = 110 + (p % 30);
        } else if (kind < 0.70) {
            feature = "support-chat";
            system = CHAT_SYSTEM;
            history = 12 + rnd.nextInt(18);
            prompt = "Thanks. And can I still get a refund for order #" + (100000 + rnd.nextInt(900000)) + " if it arrived damaged?";
            answer = "I'm sorry your order arrived damaged. You can get a full refund within 30 days. I've opened a return for you.";
            in = 7500 + rnd.nextInt(1000);
            out = 60 + rnd.nextInt(40);
            stream = true;
        } else if (kind < 0.80) {
            feature = "ticket-triage";
            system = null;
            prompt = "Classify this support ticket into one of the following categories: billing, bug, account, other. Ticket #"
                    + i + ": " + ticket(rnd);
            answer = List.of("billing", "bug", "account", "other").get(rnd.nextInt(4));
            in = 120 + rnd.nextInt(80);
            out = 2 + rnd.nextInt(3);
        } else if (kind < 0.88) {
            feature = "nightly-catalog-enrichment";
            system = null;
            prompt = "Extract brand, color and size as JSON from this review #" + i + ": " + ticket(rnd);
            answer = "{\"brand\":\"Acme\",\"color\":\"blue\",\"size\":\"M\"}";
            in = 250 + rnd.nextInt(150);
            out = 25 + rnd.nextInt(15);
            // nightly job: 01:00-04:00 UTC on the same day
            long day = (t - START.toEpochMilli()) / 86_400_000;
            t = START.toEpochMilli() + day * 86_400_000 + 3_600_000 + (long) (rnd.nextDouble() * 3 * 3_600_000);
        } else if (kind < 0.97) {
            feature = "email-draft";
            model = "claude-3-5-sonnet";
            system = null;
            prompt = "Draft a reply to this customer email #" + i + ": " + ticket(rnd);
            answer = "Dear customer, thank you for reaching out. ...";
            in = 300 + rnd.nextInt(200);
            out = rnd.nextDouble() < 0.75 ? 150 + rnd.nextInt(100) : 900 + rnd.nextInt(700);
        } else {
            feature = "analytics-assistant";
            system = "You are a senior data analyst.";
            prompt = "Analyze step by step why weekly churn rose in cohort " + i + " and compare it with the previous quarter's cohorts.";
            answer = "Step 1: ...";
            in = 1200 + rnd.nextInt(600);
            out = 400 + rnd.nextInt(400);
            stream = rnd.nextBoolean();
        }
        req.put("model", model);
        ArrayNode msgs = req.putArray("messages");
        if (system != null) msgs.addObject().put("role", "system").put("content", system);
        for (int h = 0; h < history; h++) {
            msgs.addObject().put("role", h % 2 == 0 ? "user" : "assistant")
                    .put("content", h % 2 == 0 ? "My order has not arrived yet, can you check?" : "Let me look that up for you.");
        }
        msgs.addObject().put("role", "user").put("content", prompt);
        if (stream) req.put("stream", true);
        ObjectNode line = Json.object();
        line.put("timestamp", Instant.ofEpochMilli(t).toString());
        line.put("feature", feature);
        line.put("user", "u-" + rnd.nextInt(50_000));
        line.set("request", req);
        ObjectNode res = line.putObject("response");
        res.put("id", "chatcmpl-" + i);
        res.put("object", "chat.completion");
        res.put("model", model);
        ObjectNode c = res.putArray("choices").addObject();
        c.put("index", 0);
        c.putObject("message").put("role", "assistant").put("content", answer);
        c.put("finish_reason", "stop");
        ObjectNode u = res.putObject("usage");
        u.put("prompt_tokens", in);
        u.put("completion_tokens", out);
        u.put("total_tokens", in + out);
        return line;
    }

    private static String product(int p) {
        return "The " + ADJ[p % ADJ.length] + " " + NOUNS[p % NOUNS.length] + " model " + p
                + " is designed for daily use. It comes in three colors, weighs " + (200 + p) + " grams and ships with a two-year warranty.";
    }

    private static String ticket(Random rnd) {
        return NOUNS[rnd.nextInt(NOUNS.length)] + " " + ADJ[rnd.nextInt(ADJ.length)] + " order " + rnd.nextInt(1_000_000)
                + " customer writes that the item was " + (rnd.nextBoolean() ? "charged twice" : "broken on arrival");
    }

    private static String buildChatSystem() {
        StringBuilder sb = new StringBuilder("You are the support agent of Acme Store. Follow these policies exactly.\n");
        String[] topics = {"refunds", "returns", "shipping", "warranty", "payments", "accounts", "privacy", "discounts"};
        for (int i = 0; sb.length() < 5200; i++) {
            String topic = topics[i % topics.length];
            sb.append("Policy ").append(i + 1).append(" on ").append(topic)
                    .append(": explain the rule for ").append(topic).append(" clearly, cite the order number, never promise what the policy")
                    .append(" does not allow, escalate to a human when the customer asks twice, and keep the answer to three sentences.\n");
        }
        return sb.toString();
    }
}
