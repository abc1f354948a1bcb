package dev.tokenwise.core.scenario;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.ChatRequest;
import dev.tokenwise.core.wire.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The seed playbook's production workload as chat requests, generated deterministically from a
 * seed: FAQ questions whose answers never change (with paraphrases), the same "summarize this
 * product description" prompt over 200 products, ~8,000-token support-chat histories that ask for a
 * three-sentence reply, extraction and classification tasks, genuinely hard reasoning tasks, and a
 * few nightly jobs that could wait for a batch API. Everything is sent to top-tier models (gpt-4o,
 * claude-3-5-sonnet), as the developers in the seed did. Each request carries its feature tag.
 *
 * <p>The same seed, mix and count always give the same requests, so demo and benchmark figures
 * reproduce. {@link #SEED_USERS} and {@link #REQUESTS_PER_USER_PER_MONTH} scale a sample's measured
 * costs to the seed's traffic.
 */
public final class SeedScenario {
    /** The seed's user count ("Today you have 50,000"). */
    public static final int SEED_USERS = 50_000;
    /** The seed's last monthly invoice in USD, for reference next to measured figures. */
    public static final long SEED_MONTHLY_BILL_USD = 87_000;
    /**
     * Assumed requests per user per month (about two a day). The seed does not state it; it is the
     * one volume assumption used to scale a sample's measured per-request costs to 50,000 users.
     */
    public static final int REQUESTS_PER_USER_PER_MONTH = 60;

    /** The kinds of traffic in the seed, each with its feature tag and the model it was sent to. */
    public enum Kind {
        FAQ("faq", "gpt-4o"),
        PRODUCT_SUMMARY("product-summary", "gpt-4o"),
        SUPPORT_CHAT("support-chat", "gpt-4o"),
        EXTRACTION("extraction", "claude-3-5-sonnet"),
        CLASSIFICATION("classification", "gpt-4o"),
        REASONING("reasoning", "claude-3-5-sonnet"),
        NIGHTLY_BATCH("nightly-batch", "gpt-4o");

        private final String feature;
        private final String model;

        Kind(String feature, String model) {
            this.feature = feature;
            this.model = model;
        }

        /** The {@code x-tokenwise-feature} tag. */
        public String feature() { return feature; }

        /** The top-tier model the seed's developers requested for it. */
        public String model() { return model; }
    }

    /**
     * One request of the workload.
     *
     * @param index position in the generated sequence
     * @param kind what kind of traffic it is
     * @param user a user id among {@link #SEED_USERS}
     * @param request the chat request as the application sends it
     * @param batchable true for jobs nobody waits for (a batch API could run them at a discount)
     */
    public record Item(int index, Kind kind, String user, ChatRequest request, boolean batchable) {
        public String feature() { return kind.feature(); }

        /** Request headers the application sends with it: the feature tag, and the batchable hint. */
        public Map<String, String> headers() {
            Map<String, String> h = new LinkedHashMap<>();
            h.put("x-tokenwise-feature", kind.feature());
            if (batchable) h.put("x-tokenwise-batchable", "true");
            return Collections.unmodifiableMap(h);
        }
    }

    /** How often each kind occurs; weights need not sum to 1. */
    public record Mix(Map<Kind, Double> weights) {
        /** The seed's traffic as this scenario models it: mostly FAQ, summaries and long chats. */
        public static final Mix SEED = new Mix(Map.of(
                Kind.FAQ, 0.30, Kind.PRODUCT_SUMMARY, 0.20, Kind.SUPPORT_CHAT, 0.15, Kind.EXTRACTION, 0.10,
                Kind.CLASSIFICATION, 0.10, Kind.REASONING, 0.10, Kind.NIGHTLY_BATCH, 0.05));

        public Mix {
            Map<Kind, Double> m = new EnumMap<>(Kind.class);
            weights.forEach((k, v) -> {
                if (v == null || v < 0 || v.isNaN()) throw new IllegalArgumentException("weight of " + k + " must be >= 0, was " + v);
                m.put(k, v);
            });
            if (m.values().stream().mapToDouble(Double::doubleValue).sum() <= 0) {
                throw new IllegalArgumentException("at least one kind needs a positive weight");
            }
            weights = Collections.unmodifiableMap(m);
        }

        /** Only one kind (for focused tests and benchmarks). */
        public static Mix only(Kind k) { return new Mix(Map.of(k, 1.0)); }
    }

    private static final int PRODUCTS = 200;
    private static final int CHAT_TARGET_TOKENS = 8_000;

    private final long seed;
    private final Mix mix;

    private SeedScenario(long seed, Mix mix) {
        this.seed = seed;
        this.mix = mix;
    }

    public static SeedScenario withSeed(long seed) {
        return new SeedScenario(seed, Mix.SEED);
    }

    public SeedScenario withMix(Mix m) {
        return new SeedScenario(seed, m);
    }

    public long seed() { return seed; }

    public Mix mix() { return mix; }

    /** The first {@code count} requests of this scenario. */
    public List<Item> generate(int count) {
        if (count < 0) throw new IllegalArgumentException("count must be >= 0, was " + count);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Kind> kinds = new ArrayList<>(mix.weights().keySet());
        double total = kinds.stream().mapToDouble(k -> mix.weights().get(k)).sum();
        List<Item> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            double x = rnd.nextDouble() * total;
            Kind kind = kinds.getLast();
            for (Kind k : kinds) {
                x -= mix.weights().get(k);
                if (x < 0) { kind = k; break; }
            }
            SplittableRandom r = rnd.split();
            String user = "user-" + r.nextInt(SEED_USERS);
            out.add(switch (kind) {
                case FAQ -> new Item(i, kind, user, request(kind, SYSTEM_SUPPORT, faq(r)), false);
                case PRODUCT_SUMMARY -> new Item(i, kind, user, request(kind, null, productSummary(r.nextInt(PRODUCTS))), false);
                case SUPPORT_CHAT -> new Item(i, kind, user, chat(r), false);
                case EXTRACTION -> new Item(i, kind, user, request(kind, null, extraction(r)), false);
                case CLASSIFICATION -> new Item(i, kind, user, request(kind, null, classification(r)), false);
                case REASONING -> new Item(i, kind, user, request(r.nextBoolean() ? kind.model() : "gpt-4o", null,
                        REASONING[r.nextInt(REASONING.length)]), false);
                case NIGHTLY_BATCH -> new Item(i, kind, user, request(kind, null, nightly(r)), true);
            });
        }
        return List.copyOf(out);
    }

    /** The product-summary prompt for product {@code n} (0..199): identical text every time. */
    public static String productSummary(int n) {
        return "Summarize this product description in two sentences for our product listing page.\n\n" + product(n);
    }

    /** The FAQ questions in their canonical wording. */
    public static List<String> faqQuestions() {
        List<String> q = new ArrayList<>();
        for (String[] f : FAQ) q.add(f[0]);
        return List.copyOf(q);
    }

    // ---------------------------------------------------------------------------------------------

    private static final String SYSTEM_SUPPORT = "You are the customer-support assistant of Northwind Outfitters, "
            + "an online store for outdoor gear. Answer politely and accurately. Store facts: open Monday to Friday "
            + "9am-6pm and Saturday 10am-4pm Eastern; free shipping on orders over $50; returns accepted within 30 days "
            + "with the receipt; support email help@northwind.example; phone 1-800-555-0199.";

    private static ChatRequest request(Kind kind, String system, String user) {
        return request(kind.model(), system, user);
    }

    private static ChatRequest request(String model, String system, String user) {
        ObjectNode b = Json.object();
        b.put("model", model);
        ArrayNode msgs = b.putArray("messages");
        if (system != null) msgs.addObject().put("role", "system").put("content", system);
        msgs.addObject().put("role", "user").put("content", user);
        return new ChatRequest(b);
    }

    /** Canonical question first, then paraphrases. Popularity falls with position (Zipf-like). */
    private static final String[][] FAQ = {
            {"What are your business hours?", "When are you open?", "what time do you open and close", "Are you open on weekends?"},
            {"How do I return an item?", "What's your return policy?", "how can i send something back", "Can I return a product I bought?"},
            {"Do you offer free shipping?", "Is shipping free?", "how much is shipping", "When is delivery free?"},
            {"How can I track my order?", "Where is my package?", "how do i track my shipment", "Can I see where my order is?"},
            {"How do I reset my password?", "I forgot my password", "how to change my password", "Can't log in, how do I reset my password?"},
            {"What payment methods do you accept?", "Can I pay with PayPal?", "which cards do you take", "Do you accept Apple Pay?"},
            {"How do I contact customer support?", "What's your support phone number?", "how can i reach a human", "Is there a support email?"},
            {"Do you ship internationally?", "Can you ship to Canada?", "do you deliver outside the US", "Is international shipping available?"},
            {"How long does delivery take?", "When will my order arrive?", "how many days for shipping", "What are the delivery times?"},
            {"Can I change my order after placing it?", "How do I modify my order?", "can i edit an order", "I need to change my order"},
            {"How do I cancel my order?", "Can I cancel an order?", "cancel my purchase please", "What's the cancellation policy?"},
            {"Do you have a physical store?", "Where is your shop located?", "is there a store i can visit", "What's your store address?"},
            {"Do you offer gift cards?", "Can I buy a gift card?", "gift certificates available?", "How do gift cards work?"},
            {"How do I apply a discount code?", "Where do I enter a promo code?", "my coupon code doesn't work", "How do I use a voucher?"},
            {"What is your warranty policy?", "Do your products have a warranty?", "how long is the warranty", "Is there a guarantee on gear?"},
            {"How do I create an account?", "How can I sign up?", "register new account", "Do I need an account to order?"},
            {"Can I exchange an item for a different size?", "How do size exchanges work?", "swap for a bigger size", "Can I exchange my boots?"},
            {"Do you price match?", "Will you match a lower price?", "price match policy", "Can you beat a competitor's price?"},
            {"How do I unsubscribe from your emails?", "Stop sending me newsletters", "unsubscribe from marketing", "How do I opt out of emails?"},
            {"Is my payment information secure?", "Do you store my credit card?", "is checkout safe", "How do you protect my card details?"},
            {"Do you offer student discounts?", "Is there a student discount?", "discount for students?", "Do students get a deal?"},
            {"How do I find my order number?", "Where is my order number?", "can't find order id", "What's my order reference?"},
            {"Can I pick up my order in store?", "Do you offer in-store pickup?", "click and collect?", "Can I collect my order myself?"},
            {"What sizes do your jackets come in?", "Do jackets come in XXL?", "jacket size chart", "What is the size range for jackets?"},
            {"Do you have a loyalty program?", "How do rewards points work?", "loyalty points?", "Is there a membership program?"},
            {"How do I leave a product review?", "Where can I write a review?", "review a product", "Can I rate what I bought?"},
            {"What happens if my package is lost?", "My parcel never arrived", "package lost in transit", "What if my order goes missing?"},
            {"Can I order by phone?", "Do you take phone orders?", "place order over the phone", "Can I call to buy something?"},
            {"Do you sell refurbished gear?", "Are there used or refurbished items?", "refurbished products?", "Do you have an outlet section?"},
            {"How do I update my shipping address?", "Change my delivery address", "wrong address on my order", "Can I ship to a different address?"},
            {"Are your products waterproof?", "Is the rain jacket waterproof?", "waterproof or water resistant?", "Will this jacket keep me dry?"},
            {"Do you offer bulk or corporate orders?", "Can I order in bulk for my team?", "corporate discount?", "Do you do wholesale?"},
            {"How do I care for my down jacket?", "Can I wash a down jacket?", "down jacket cleaning", "How should I clean my puffer?"},
            {"When will an out-of-stock item be back?", "Restock date for sold out items?", "when is it back in stock", "Can I get notified about restocks?"},
            {"Do you charge sales tax?", "Is tax included in the price?", "sales tax on orders", "Why was I charged tax?"},
            {"Can I get an invoice for my order?", "How do I download a receipt?", "need an invoice for work", "Where is my receipt?"},
    };

    private static String faq(SplittableRandom r) {
        // Zipf-like popularity: question k is picked with weight 1/(k+1)
        double h = 0;
        for (int k = 0; k < FAQ.length; k++) h += 1.0 / (k + 1);
        double x = r.nextDouble() * h;
        int q = FAQ.length - 1;
        for (int k = 0; k < FAQ.length; k++) {
            x -= 1.0 / (k + 1);
            if (x < 0) { q = k; break; }
        }
        // most users type the common wording; the rest paraphrase
        return r.nextDouble() < 0.6 ? FAQ[q][0] : FAQ[q][1 + r.nextInt(FAQ[q].length - 1)];
    }

    private static final String[] ADJ = {"lightweight", "insulated", "waterproof", "breathable", "packable", "rugged",
            "ultralight", "windproof", "recycled", "ergonomic", "quick-dry", "reinforced"};
    private static final String[] ITEM = {"hiking boot", "rain jacket", "down parka", "trail runner", "daypack",
            "sleeping bag", "tent", "trekking pole", "fleece pullover", "headlamp", "water bottle", "camp stove",
            "sleeping pad", "softshell pant", "merino base layer", "gaiter", "duffel bag", "camp chair", "cooler", "hammock"};
    private static final String[] MATERIAL = {"ripstop nylon", "merino wool", "recycled polyester", "Gore-Tex membrane",
            "full-grain leather", "aluminium alloy", "stainless steel", "800-fill down", "Cordura fabric", "carbon fibre"};
    private static final String[] USE = {"weekend backpacking trips", "alpine climbing", "rainy city commutes",
            "long-distance thru-hiking", "family car camping", "winter ski touring", "trail running", "canoe expeditions"};

    /** A stable product description (about 150 words) for product n. */
    static String product(int n) {
        SplittableRandom r = new SplittableRandom(0x5eed_0000L + n);
        String name = "Northwind " + cap(ADJ[r.nextInt(ADJ.length)]) + " " + cap(ITEM[n % ITEM.length]) + " " + (100 + n);
        String mat = MATERIAL[r.nextInt(MATERIAL.length)];
        String use = USE[r.nextInt(USE.length)];
        String adj2 = ADJ[r.nextInt(ADJ.length)];
        int grams = 200 + r.nextInt(1800);
        int price = 19 + r.nextInt(380);
        return "Product: " + name + " (SKU NW-" + (10_000 + n) + ")\n"
                + "Price: $" + price + ".99\n"
                + "The " + name + " is built from " + mat + " and designed for " + use + ". "
                + "At " + grams + " grams it is " + adj2 + " enough to carry all day, yet tough enough for years of use. "
                + "Seams are taped and double-stitched, stress points are bar-tacked, and every zipper is a YKK zipper "
                + "with a storm flap. The fit is athletic with room for a mid layer, and adjustment points let you dial it in "
                + "when the weather changes. It comes in " + (2 + r.nextInt(5)) + " colours and sizes XS to XXL. "
                + "Care: machine wash cold, hang dry, re-apply water repellent once a season. "
                + "Backed by our lifetime warranty against manufacturing defects and a 30-day no-questions return policy. "
                + "Customers love it for " + use + ", rating it " + (40 + r.nextInt(10)) / 10.0 + " out of 5 across "
                + (50 + r.nextInt(2000)) + " reviews; the most common praise is comfort and durability, the most common "
                + "complaint is that the " + (r.nextBoolean() ? "sizing runs small" : "colours sell out quickly") + ".";
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static final String[] NAMES = {"Maria Gonzalez", "James Chen", "Aisha Okafor", "Liam O'Brien", "Sofia Rossi",
            "Noah Williams", "Yuki Tanaka", "Fatima Khan", "Lucas Martin", "Emma Schmidt", "Omar Haddad", "Chloe Dubois"};
    private static final String[] ISSUES = {"the zipper on my jacket broke after two weeks",
            "my order arrived with the wrong size", "I was charged twice for the same order",
            "the tracking number has not updated in five days", "the tent was missing two poles",
            "I want to return boots that gave me blisters", "my discount code was not applied at checkout",
            "the sleeping bag smells of mildew", "the package was left at the wrong address",
            "I cannot log in to my account after resetting my password"};

    private static String extraction(SplittableRandom r) {
        String name = NAMES[r.nextInt(NAMES.length)];
        String email = name.toLowerCase().replaceAll("[^a-z]+", ".") + "@example.com";
        int order = 100_000 + r.nextInt(900_000);
        String issue = ISSUES[r.nextInt(ISSUES.length)];
        String product = ITEM[r.nextInt(ITEM.length)];
        return "Extract the customer's name, email address, order number and product from this email. "
                + "Answer with JSON only, keys: name, email, order_id, product.\n\n"
                + "From: " + name + " <" + email + ">\nSubject: Problem with order #" + order + "\n\n"
                + "Hello, I bought a " + product + " from you last month (order #" + order + ") and " + issue
                + ". Could you help me sort this out? Thanks, " + name.split(" ")[0];
    }

    private static String classification(SplittableRandom r) {
        return "Classify this support ticket into exactly one of: billing, shipping, returns, product-defect, account, other. "
                + "Answer with the label only.\n\nTicket: Hi, " + ISSUES[r.nextInt(ISSUES.length)]
                + (r.nextBoolean() ? ". Please advise." : ". What can you do?");
    }

    private static final String[] REASONING = {
            "A warehouse has three loading docks. Dock A loads a truck in 40 minutes, dock B in 55 minutes and dock C in 70 minutes. "
                    + "Trucks arrive every 12 minutes starting at 8:00 and each waits for the first free dock. Work out, step by step, "
                    + "the average waiting time of the first 20 trucks and which dock becomes the bottleneck.",
            "Prove that there are infinitely many primes of the form 4k+3. Give a complete, rigorous proof.",
            "We sell 1,200 SKUs with demand that follows a power law. Design a reorder policy that keeps a 98% service level while "
                    + "minimising holding cost, derive the safety-stock formula you use, and explain the trade-offs.",
            "Given this Java method, find every concurrency bug and explain each one:\n\n"
                    + "class Counter { private int n; private final Map<String,Integer> m = new HashMap<>();\n"
                    + "  void add(String k) { n++; m.put(k, m.getOrDefault(k, 0) + 1); }\n"
                    + "  int get(String k) { return m.containsKey(k) ? m.get(k) : 0; } }",
            "Five friends sit in a row. Ana is not at either end. Ben sits immediately right of Cara. Dev is two seats left of Eli. "
                    + "Cara is not next to Ana. List every valid seating and prove there are no others.",
            "Our churn rose from 3.1% to 4.4% a month after a price increase of 15% while new signups grew 22%. Estimate the "
                    + "price elasticity of retention, state your assumptions, and tell us whether the increase paid off over 12 months.",
            "Derive the closed form of the sum of k^3 for k = 1..n and prove it by induction.",
            "Design a database schema and an indexing strategy for a ledger of 500 million LLM requests that must answer "
                    + "per-tenant spend by hour within 100 ms; justify each index and estimate storage.",
            "A ball is dropped from 20 m and loses 25% of its height on each bounce. Compute the total distance travelled and the "
                    + "total time until it comes to rest, showing each step.",
            "Explain, with a worked example, why the greedy algorithm fails for the coin-change problem with coins {1, 3, 4} "
                    + "and give an optimal dynamic-programming solution with its complexity.",
            "Two suppliers quote: A charges $4.10 per unit with a 3% defect rate; B charges $4.45 with 0.5% defects. A defect costs "
                    + "us $38 in returns and support. Which supplier is cheaper per good unit at 80,000 units a year, and how sensitive "
                    + "is the answer to the defect cost?",
            "Find all integer solutions of x^2 - 7y^2 = 1 with 0 < x < 10,000 and explain the method.",
            "Plan a migration of a 2 TB PostgreSQL database to a new major version with under 5 minutes of downtime. List the "
                    + "steps, the rollback plan, and the risks at each step.",
            "A customer claims our return policy discriminates against international buyers because of shipping costs. Analyse "
                    + "the policy text, the legal considerations in the EU and US, and propose a fair revision.",
            "Given monthly revenue 410, 432, 455, 470, 498, 530, 561, 590 (thousands), fit a model, forecast the next six months "
                    + "with intervals, and explain which model you chose and why.",
            "Show that every tournament (complete directed graph) has a Hamiltonian path.",
    };

    private static final String[] AGENT_LINES = {
            "I'm sorry to hear that. Let me look into your order right away.",
            "Thanks for your patience. I can see the order in our system and I'm checking the warehouse notes now.",
            "I understand how frustrating this is, especially when you planned a trip around the delivery.",
            "I've escalated this to our logistics team and asked them to confirm the current location of the parcel.",
            "Our policy allows a replacement or a full refund; which would you prefer?",
            "I have applied a courtesy credit to your account for the inconvenience.",
    };
    private static final String[] CUSTOMER_LINES = {
            "I ordered it three weeks ago and it still has not arrived, and the tracking page shows the same status every day.",
            "I already contacted you last week and was promised a call back, but nobody called me.",
            "The item I received looks used: the box was opened and there are scuff marks on the sole.",
            "I need this for a hiking trip next weekend, so a refund alone does not really help me.",
            "Can you also check whether my second order, the one with the headlamp and the water bottle, is affected?",
            "I would like to understand why I was charged for express shipping when I selected standard shipping.",
    };
    private static final String[] FINAL_QUESTIONS = {
            "So what exactly happens next with my order?",
            "Can you confirm when the replacement will ship?",
            "Will I get the refund on my original card, and how long will it take?",
            "Is there anything else I need to do on my side?",
            "Can you summarise what we agreed so I can keep it for my records?",
    };

    /** Token counts of the canned lines, so building an 8,000-token history needs no tokenizer pass over it. */
    private static final int[] CUSTOMER_TOKENS = counts(CUSTOMER_LINES);
    private static final int[] AGENT_TOKENS = counts(AGENT_LINES);

    private static int[] counts(String[] lines) {
        TokenCounter c = TokenCounter.forModel(Kind.SUPPORT_CHAT.model());
        int[] n = new int[lines.length];
        for (int i = 0; i < lines.length; i++) n[i] = c.count(lines[i]);
        return n;
    }

    private static ChatRequest chat(SplittableRandom r) {
        TokenCounter counter = TokenCounter.forModel(Kind.SUPPORT_CHAT.model());
        ObjectNode b = Json.object();
        b.put("model", Kind.SUPPORT_CHAT.model());
        ArrayNode msgs = b.putArray("messages");
        msgs.addObject().put("role", "system").put("content", SYSTEM_SUPPORT);
        String name = NAMES[r.nextInt(NAMES.length)];
        int order = 100_000 + r.nextInt(900_000);
        long tokens = counter.count(SYSTEM_SUPPORT) + 10;
        int turn = 0;
        while (tokens < CHAT_TARGET_TOKENS) {
            boolean user = turn % 2 == 0;
            StringBuilder sb = new StringBuilder();
            long t = TokenCounter.TOKENS_PER_MESSAGE + 1;
            if (user) {
                if (turn == 0) {
                    String hello = "Hi, this is " + name + " about order #" + order + ". ";
                    sb.append(hello);
                    t += counter.count(hello);
                }
                for (int s = 0; s < 4 + r.nextInt(4); s++) {
                    int k = r.nextInt(CUSTOMER_LINES.length);
                    sb.append(CUSTOMER_LINES[k]).append(' ');
                    t += CUSTOMER_TOKENS[k];
                }
            } else {
                for (int s = 0; s < 4 + r.nextInt(4); s++) {
                    int k = r.nextInt(AGENT_LINES.length);
                    sb.append(AGENT_LINES[k]).append(' ');
                    t += AGENT_TOKENS[k];
                }
                sb.append("Reference for this conversation: case ").append(order).append('-').append(turn).append('.');
                t += 12;
            }
            msgs.addObject().put("role", user ? "user" : "assistant").put("content", sb.toString().strip());
            tokens += t;
            turn++;
        }
        if (turn % 2 == 1) msgs.addObject().put("role", "assistant").put("content", AGENT_LINES[r.nextInt(AGENT_LINES.length)]);
        msgs.addObject().put("role", "user").put("content",
                FINAL_QUESTIONS[r.nextInt(FINAL_QUESTIONS.length)] + " Please reply in three sentences.");
        return new ChatRequest(b);
    }

    private static String nightly(SplittableRandom r) {
        StringBuilder sb = new StringBuilder("Nightly digest job. Summarize yesterday's support tickets below into the main themes, "
                + "with a count per theme and one recommended action each.\n\n");
        int tickets = 30 + r.nextInt(20);
        for (int t = 1; t <= tickets; t++) {
            sb.append(t).append(". ").append(cap(ISSUES[r.nextInt(ISSUES.length)])).append(" (")
                    .append(ITEM[r.nextInt(ITEM.length)]).append(")\n");
        }
        return sb.toString();
    }
}
