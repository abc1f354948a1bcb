import dev.tokenwise.core.routing.*;
import dev.tokenwise.core.pricing.PriceCatalog;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.*;
import java.util.function.Function;

/**
 * Exploration harness behind "Word rarity features" in docs/benchmarks.md (Routing benchmarks): the
 * shipped gain model (two logistic regressions over PromptFeatures) plus three vocabulary-rarity
 * features computed from the training prompts only (document frequency of each lower-cased word):
 * mean log-IDF of the question's words, the share of words seen in at most 2 training prompts, and
 * the largest IDF. Rarity is meant as a subject-agnostic hint of specialised knowledge. Same
 * subject-held-out protocol and calibration as `tokenwise eval routing --holdout-subjects 8
 * --splits 10 --seed S`. Run from the repository root after building the jar:
 *   java -cp cli/target/tokenwise.jar scripts/routing-experiments/WordRarity.java
 */
public class WordRarity {
  static final Function<String, double[]> F = PromptFeatures.memoised();

  static List<String> words(String prompt) {
    List<String> w = new ArrayList<>();
    for (String t : prompt.toLowerCase(Locale.ROOT).split("[^\\p{L}]+")) if (t.length() > 2) w.add(t);
    return w;
  }

  static Scorer.Trainer rarity() {
    return new Scorer.Trainer() {
      public Scorer train(List<LabelledPrompt> ex) {
        Map<String, Integer> df = new HashMap<>();
        for (LabelledPrompt p : ex) for (String w : new HashSet<>(words(p.prompt()))) df.merge(w, 1, Integer::sum);
        int n = ex.size();
        Function<String, double[]> x = prompt -> {
          double[] base = F.apply(prompt);
          List<String> ws = words(prompt);
          double sum = 0, rare = 0, max = 0;
          for (String w : ws) {
            int d = df.getOrDefault(w, 0);
            double idf = Math.log((n + 1.0) / (d + 1.0));
            sum += idf; max = Math.max(max, idf); if (d <= 2) rare++;
          }
          double[] v = Arrays.copyOf(base, base.length + 3);
          v[base.length] = ws.isEmpty() ? 0 : sum / ws.size();
          v[base.length + 1] = ws.isEmpty() ? 0 : rare / ws.size();
          v[base.length + 2] = max;
          return v;
        };
        double[][] xs = new double[n][];
        boolean[] yw = new boolean[n], ys = new boolean[n];
        for (int i = 0; i < n; i++) { xs[i] = x.apply(ex.get(i).prompt()); yw[i] = ex.get(i).weakOk(); ys[i] = ex.get(i).strongOk(); }
        Logistic mw = Logistic.fit(xs, yw, RouterTraining.LAMBDA), ms = Logistic.fit(xs, ys, RouterTraining.LAMBDA);
        return p -> { double[] v = x.apply(p.prompt()); return (1 + ms.probability(v) - mw.probability(v)) / 2; };
      }
      public String kind() { return "learned + word rarity"; }
    };
  }

  public static void main(String[] a) {
    List<LabelledPrompt> d = RoutingData.load(Path.of("/work/shared/data/routing/mmlu"), RoutingData.DEFAULT_WEAK, RoutingData.DEFAULT_STRONG);
    double[][] costs = RoutingCosts.of(d, RoutingData.DEFAULT_WEAK, RoutingData.DEFAULT_STRONG, PriceCatalog.bundled(), 200);
    RoutingEvaluation ev = new RoutingEvaluation(d, costs, false, Calibrator.withGroupsPerDraw(8), null);
    for (long seed : new long[] {1, 2}) {
      for (Scorer.Trainer t : List.of(Scorer.learned(RouterTraining.LAMBDA), rarity())) {
        ObjectNode r = ev.heldOut(t, new RoutingEvaluation.Options(8, 10, 5, seed, 0.95));
        ObjectNode c = (ObjectNode) r.get("calibrated");
        System.out.printf("seed %d %-22s apgr=%.3f cpt50=%.3f cpt80=%.3f cal_q=%.3f min=%.3f saving=%.3f%n", seed, t.kind(),
            r.get("apgr").asDouble(), r.get("cpt50").asDouble(), r.get("cpt80").asDouble(), c.get("quality_ratio").asDouble(),
            c.get("min_quality_ratio").asDouble(), c.get("cost_saving").asDouble());
      }
    }
  }
}
