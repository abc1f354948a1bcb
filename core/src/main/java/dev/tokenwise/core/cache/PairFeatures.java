package dev.tokenwise.core.cache;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The features the hit verifier scores a (query, cached question) pair on: the embedding cosine
 * plus lexical evidence that the two differ in a way cosine glosses over.
 */
public final class PairFeatures {
    /** Feature names, in vector order (also the order of the weights in the model file). */
    public static final List<String> NAMES = List.of(
            "cosine", "cosine_sq", "token_jaccard", "content_jaccard", "bigram_jaccard", "length_ratio",
            "unmatched_content", "number_mismatch", "negation_mismatch", "entity_mismatch",
            "question_type_mismatch", "same_first_word", "cosine_x_content_jaccard", "max_side_unmatched", "min_side_unmatched");

    private PairFeatures() {}

    public static double[] of(TextSignals a, TextSignals b, double cosine) {
        double tokenJ = jaccard(a.tokenSet(), b.tokenSet());
        double contentJ = jaccard(a.contentWords(), b.contentWords());
        double bigramJ = jaccard(bigrams(a.tokens()), bigrams(b.tokens()));
        double la = a.tokens().size();
        double lb = b.tokens().size();
        double lengthRatio = Math.max(la, lb) == 0 ? 1 : Math.min(la, lb) / Math.max(la, lb);
        Set<String> sym = new HashSet<>(a.contentWords());
        sym.addAll(b.contentWords());
        Set<String> both = new HashSet<>(a.contentWords());
        both.retainAll(b.contentWords());
        double unmatched = sym.size() - both.size();
        boolean sameFirst = !a.tokens().isEmpty() && !b.tokens().isEmpty() && a.tokens().get(0).equals(b.tokens().get(0));
        return new double[] {
                cosine, cosine * cosine, tokenJ, contentJ, bigramJ, lengthRatio,
                Math.log1p(unmatched),
                a.numbers().equals(b.numbers()) ? 0 : 1,
                a.negated() == b.negated() ? 0 : 1,
                Guards.entitiesDiffer(a, b) ? 1 : 0,
                a.questionType().equals(b.questionType()) ? 0 : 1,
                sameFirst ? 1 : 0,
                cosine * contentJ,
                Math.log1p(Math.max(onlyIn(a, b), onlyIn(b, a))),
                Math.log1p(Math.min(onlyIn(a, b), onlyIn(b, a))),
        };
    }

    /** The dot product of two vectors: their cosine when both are unit vectors. */
    public static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static int onlyIn(TextSignals a, TextSignals b) {
        int n = 0;
        for (String w : a.contentWords()) if (!b.contentWords().contains(w)) n++;
        return n;
    }

    static double jaccard(Set<String> a, Set<String> b) {
        if (a.isEmpty() && b.isEmpty()) return 1;
        int inter = 0;
        for (String s : a) if (b.contains(s)) inter++;
        return (double) inter / (a.size() + b.size() - inter);
    }

    private static Set<String> bigrams(List<String> tokens) {
        Set<String> out = new HashSet<>();
        for (int i = 1; i < tokens.size(); i++) out.add(tokens.get(i - 1) + ' ' + tokens.get(i));
        return out;
    }
}
