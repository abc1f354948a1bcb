package dev.tokenwise.core.cache;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lexical facts about one question that decide whether two questions can share an answer:
 * its words, numbers, negations, capitalised names and question type. Computed once per text.
 *
 * @param tokens the lower-cased tokens as written ("what's" is one token)
 * @param words the tokens with contractions written out ("what", "is"): the same-words rule compares these
 */
public record TextSignals(List<String> tokens, List<String> words, Set<String> contentWords, Set<String> numbers,
                          boolean negated, Set<String> entities, String questionType) {

    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+(?:'[\\p{L}]+)?");
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,]\\d+)*");
    private static final Set<String> NUMBER_WORDS = Set.of("zero", "two", "three", "four", "five", "six",
            "seven", "eight", "nine", "ten", "eleven", "twelve", "twenty", "thirty", "forty", "fifty", "hundred",
            "thousand", "million", "billion", "first", "second", "third", "fourth", "fifth", "half", "double");
    private static final Set<String> NEGATIONS = Set.of("not", "no", "never", "none", "nobody", "nothing",
            "neither", "nor", "without", "cannot", "cant", "dont", "doesnt", "didnt", "isnt", "arent", "wasnt",
            "werent", "wont", "wouldnt", "shouldnt", "couldnt", "hasnt", "havent", "hadnt", "aint");
    private static final List<String> QUESTION_WORDS = List.of("what", "why", "how", "who", "whom", "whose",
            "when", "where", "which");
    static final Set<String> STOPWORDS = Set.of("a", "an", "the", "is", "are", "was", "were", "be", "been", "being",
            "do", "does", "did", "to", "of", "in", "on", "for", "with", "at", "by", "from", "as", "and", "or", "it",
            "its", "this", "that", "these", "those", "i", "me", "my", "you", "your", "we", "our", "they", "their",
            "he", "she", "his", "her", "can", "could", "should", "would", "will", "shall", "may", "might", "must",
            "there", "some", "any", "so", "if", "about", "into", "than", "then", "what", "why", "how", "who",
            "whom", "whose", "when", "where", "which", "have", "has", "had", "get", "one", "s", "best", "way",
            "ways", "good", "most", "much", "many", "more", "other", "all", "also", "just", "really", "very");
    /** Capitalised words that are not names (sentence starters, pronouns, question words). */
    private static final Set<String> NOT_ENTITIES = Set.of("i", "what", "why", "how", "who", "whom", "whose",
            "when", "where", "which", "is", "are", "can", "could", "should", "would", "will", "do", "does", "did",
            "if", "the", "a", "an", "in", "on", "my", "what's", "i'm", "it", "was", "were", "has", "have");

    /**
     * Whether both texts say the same words, ignoring case, punctuation and contractions ("what's"
     * is "what is", "can't" is "can not"): the rule that serves a hit without asking the model.
     */
    public boolean sameWords(TextSignals other) {
        return !words.isEmpty() && words.equals(other.words);
    }

    private static List<String> expanded(List<String> tokens) {
        List<String> out = new ArrayList<>(tokens.size() + 4);
        for (String t : tokens) {
            int apostrophe = t.indexOf('\'');
            if (apostrophe < 0) {
                if (t.equals("cannot")) out.addAll(List.of("can", "not"));
                else out.add(t);
                continue;
            }
            String stem = t.substring(0, apostrophe);
            String tail = t.substring(apostrophe + 1);
            if (tail.equals("t") && stem.endsWith("n")) {
                String verb = stem.substring(0, stem.length() - 1);
                out.add(switch (verb) {
                    case "wo" -> "will";
                    case "ca" -> "can";
                    case "sha" -> "shall";
                    default -> verb;
                });
                out.add("not");
                continue;
            }
            String word = switch (tail) {
                case "s" -> "is";
                case "re" -> "are";
                case "m" -> "am";
                case "ve" -> "have";
                case "ll" -> "will";
                case "d" -> "would";
                default -> null;
            };
            if (word == null) {
                out.add(t);
            } else {
                out.add(stem);
                out.add(word);
            }
        }
        return out;
    }

    /** Extracts the signals of one text. */
    public static TextSignals of(String text) {
        List<String> tokens = new ArrayList<>();
        Set<String> content = new LinkedHashSet<>();
        Set<String> entities = new LinkedHashSet<>();
        boolean negated = false;
        Matcher m = TOKEN.matcher(text);
        boolean sentenceStart = true;
        int lastEnd = 0;
        while (m.find()) {
            String between = text.substring(lastEnd, m.start());
            if (between.contains(".") || between.contains("?") || between.contains("!") || between.contains(":")) sentenceStart = true;
            lastEnd = m.end();
            String raw = m.group();
            String lower = raw.toLowerCase(Locale.ROOT);
            String folded = lower.replace("'", "");
            tokens.add(lower);
            if (NEGATIONS.contains(folded) || lower.endsWith("n't")) negated = true;
            if (!STOPWORDS.contains(lower)) content.add(stem(lower));
            boolean capitalised = Character.isUpperCase(raw.codePointAt(0));
            boolean acronym = raw.length() > 1 && raw.chars().filter(Character::isLetter).allMatch(Character::isUpperCase)
                    && raw.chars().anyMatch(Character::isLetter);
            if ((acronym || (capitalised && !sentenceStart)) && !NOT_ENTITIES.contains(lower)) entities.add(lower);
            sentenceStart = false;
        }
        Set<String> numbers = new LinkedHashSet<>();
        Matcher n = NUMBER.matcher(text);
        while (n.find()) numbers.add(n.group().replace(",", ""));
        for (String t : tokens) if (NUMBER_WORDS.contains(t)) numbers.add(t);
        String qtype = questionType(tokens);
        return new TextSignals(List.copyOf(tokens), List.copyOf(expanded(tokens)), Set.copyOf(content), Set.copyOf(numbers), negated,
                Set.copyOf(entities), qtype);
    }

    /**
     * The kind of answer a question wants, from its first question word: "what" and "which" both
     * ask to identify something; "what is the best way to" asks "how"; "what is the reason" asks "why".
     */
    static String questionType(List<String> tokens) {
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.endsWith("'s") || t.endsWith("'re")) t = t.substring(0, t.indexOf('\''));
            if (!QUESTION_WORDS.contains(t)) continue;
            if (t.equals("whom") || t.equals("whose")) return "who";
            if (t.equals("what") || t.equals("which")) {
                for (int k = i + 1; k < Math.min(tokens.size(), i + 6); k++) {
                    String w = tokens.get(k);
                    if (w.equals("way") || w.equals("ways")) return "how";
                    if (w.equals("reason") || w.equals("reasons")) return "why";
                }
                return "what";
            }
            return t;
        }
        return "";
    }

    /** A crude plural/verb-ending strip so "phones"/"phone" and "learning"/"learn" match. */
    static String stem(String w) {
        if (w.length() > 5 && w.endsWith("ing")) return w.substring(0, w.length() - 3);
        if (w.length() > 4 && w.endsWith("ies")) return w.substring(0, w.length() - 3) + "y";
        if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss")) return w.substring(0, w.length() - 1);
        return w;
    }

    /** Lower-cased tokens as a set. */
    public Set<String> tokenSet() {
        return new LinkedHashSet<>(tokens);
    }
}
