package dev.tokenwise.core.routing;

import java.util.List;

/**
 * How an evaluation scores a rated prompt (difficulty in [0, 1], higher goes strong) and how it
 * trains a new scorer on other prompts. A prompt router looks only at the prompt; a cascade looks
 * at the weak model's answer.
 */
public interface Scorer {
    double difficulty(LabelledPrompt p);

    /** Trains a scorer of the same kind on other prompts. */
    interface Trainer {
        Scorer train(List<LabelledPrompt> examples);

        /** "learned", "rules", "cascade" */
        String kind();
    }

    static Scorer of(Router r) {
        return p -> r.difficulty(p.prompt());
    }

    /** Trains the learned prompt router. */
    static Trainer learned(double lambda) {
        java.util.function.Function<String, double[]> features = PromptFeatures.memoised();
        return new Trainer() {
            public Scorer train(List<LabelledPrompt> examples) {
                LearnedRouter r = LearnedRouter.fit(examples, lambda, features);
                return p -> r.difficulty(features.apply(p.prompt()));
            }
            public String kind() { return "learned"; }
        };
    }

    /** The rules router needs no training. */
    static Trainer rules() {
        return new Trainer() {
            public Scorer train(List<LabelledPrompt> examples) { return of(new RulesRouter()); }
            public String kind() { return "rules"; }
        };
    }

    /** A fixed router, e.g. loaded from an artifact: training does nothing. */
    static Trainer fixed(Router r) {
        return new Trainer() {
            public Scorer train(List<LabelledPrompt> examples) { return of(r); }
            public String kind() { return r.kind(); }
        };
    }

    /** The cascade: difficulty = 1 − probability that the weak answer is acceptable. */
    static Trainer cascade(double lambda) {
        return new Trainer() {
            public Scorer train(List<LabelledPrompt> examples) {
                boolean[] ok = new boolean[examples.size()];
                for (int i = 0; i < ok.length; i++) ok[i] = examples.get(i).weakOk();
                AnswerScorer s = AnswerScorer.fit(examples.stream().map(LabelledPrompt::prompt).toList(),
                        examples.stream().map(LabelledPrompt::weakResponse).toList(), ok, lambda);
                return p -> 1 - s.score(p.prompt(), p.weakResponse());
            }
            public String kind() { return "cascade"; }
        };
    }
}
