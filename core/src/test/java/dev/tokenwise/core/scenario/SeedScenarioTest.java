package dev.tokenwise.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokenwise.core.scenario.SeedScenario.Item;
import dev.tokenwise.core.scenario.SeedScenario.Kind;
import dev.tokenwise.core.tokens.TokenCounter;
import dev.tokenwise.core.wire.Json;
import dev.tokenwise.core.wire.Message;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SeedScenarioTest {
    private final List<Item> items = SeedScenario.withSeed(42).generate(2_000);

    @Test
    void the_same_seed_gives_the_same_requests_and_another_seed_does_not() {
        List<Item> again = SeedScenario.withSeed(42).generate(2_000);
        assertThat(again).extracting(i -> Json.write(i.request().body()))
                .containsExactlyElementsOf(items.stream().map(i -> Json.write(i.request().body())).toList());
        List<Item> other = SeedScenario.withSeed(43).generate(2_000);
        assertThat(other.stream().map(i -> Json.write(i.request().body())).toList())
                .isNotEqualTo(items.stream().map(i -> Json.write(i.request().body())).toList());
    }

    @Test
    void every_kind_appears_roughly_in_its_share_of_the_mix() {
        Map<Kind, Long> counts = items.stream().collect(Collectors.groupingBy(Item::kind, Collectors.counting()));
        assertThat(counts.keySet()).containsExactlyInAnyOrder(Kind.values());
        SeedScenario.Mix.SEED.weights().forEach((k, w) ->
                assertThat(counts.get(k) / 2000.0).as(k.name()).isCloseTo(w, org.assertj.core.data.Offset.offset(0.03)));
    }

    @Test
    void everything_is_requested_on_a_top_tier_model_with_its_feature_tag() {
        assertThat(items).allSatisfy(i -> {
            assertThat(i.request().model()).isIn("gpt-4o", "claude-3-5-sonnet");
            assertThat(i.headers()).containsEntry("x-tokenwise-feature", i.kind().feature());
        });
        assertThat(items.stream().filter(Item::batchable)).allMatch(i -> i.kind() == Kind.NIGHTLY_BATCH)
                .allMatch(i -> "true".equals(i.headers().get("x-tokenwise-batchable")));
    }

    @Test
    void faq_questions_repeat_word_for_word_and_also_come_paraphrased() {
        Map<String, Long> asked = items.stream().filter(i -> i.kind() == Kind.FAQ)
                .collect(Collectors.groupingBy(i -> last(i).text(), Collectors.counting()));
        assertThat(asked.get("What are your business hours?")).isGreaterThan(20);
        assertThat(asked.keySet()).contains("When are you open?");
        assertThat(SeedScenario.faqQuestions()).hasSizeGreaterThanOrEqualTo(30).contains("What are your business hours?");
    }

    @Test
    void product_summaries_use_one_prompt_over_exactly_two_hundred_products() {
        Set<String> prompts = items.stream().filter(i -> i.kind() == Kind.PRODUCT_SUMMARY).map(i -> last(i).text())
                .collect(Collectors.toSet());
        assertThat(prompts).allMatch(p -> p.startsWith("Summarize this product description"));
        assertThat(prompts.size()).isBetween(150, 200);
        Set<String> all = java.util.stream.IntStream.range(0, 200).mapToObj(SeedScenario::productSummary).collect(Collectors.toSet());
        assertThat(all).hasSize(200).containsAll(prompts);
    }

    @Test
    void support_chats_carry_about_eight_thousand_tokens_of_history_and_ask_for_three_sentences() {
        TokenCounter c = TokenCounter.forModel("gpt-4o");
        List<Item> chats = items.stream().filter(i -> i.kind() == Kind.SUPPORT_CHAT).toList();
        assertThat(chats).isNotEmpty().allSatisfy(i -> {
            assertThat(c.countMessages(i.request().messages())).isBetween(8_000, 8_600);
            assertThat(last(i).text()).endsWith("Please reply in three sentences.");
            assertThat(last(i).role()).isEqualTo("user");
        });
    }

    @Test
    void a_single_kind_mix_generates_only_that_kind() {
        assertThat(SeedScenario.withSeed(1).withMix(SeedScenario.Mix.only(Kind.REASONING)).generate(50))
                .extracting((Function<Item, Kind>) Item::kind).containsOnly(Kind.REASONING);
    }

    private static Message last(Item i) {
        return i.request().messages().getLast();
    }
}
