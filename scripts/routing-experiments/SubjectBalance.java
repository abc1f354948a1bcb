import dev.tokenwise.core.routing.*;
import dev.tokenwise.core.pricing.PriceCatalog;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.*;

/**
 * Exploration harness behind "Subject-balanced training" in docs/benchmarks.md (Routing benchmarks):
 * the shipped learned router trained on at most CAP prompts per subject (a seeded random subset),
 * so a few large subjects (professional_law has 1,533 prompts, management 103) do not dominate what
 * the router learns. Same subject-held-out protocol and calibration as `tokenwise eval routing
 * --holdout-subjects 8 --splits 10 --seed S`. Run from the repository root after building the jar:
 *   java -cp cli/target/tokenwise.jar scripts/routing-experiments/SubjectBalance.java
 */
public class SubjectBalance {
  static Scorer.Trainer capped(int cap) {
    Scorer.Trainer base = Scorer.learned(RouterTraining.LAMBDA);
    return new Scorer.Trainer() {
      public Scorer train(List<LabelledPrompt> ex) {
        if (cap <= 0) return base.train(ex);
        Map<String, List<LabelledPrompt>> by = new TreeMap<>();
        for (LabelledPrompt p : ex) by.computeIfAbsent(p.group(), k -> new ArrayList<>()).add(p);
        List<LabelledPrompt> kept = new ArrayList<>();
        for (List<LabelledPrompt> g : by.values()) {
          List<LabelledPrompt> s = new ArrayList<>(g);
          Collections.shuffle(s, new Random(g.size()));
          kept.addAll(s.subList(0, Math.min(cap, s.size())));
        }
        return base.train(kept);
      }
      public String kind() { return cap <= 0 ? "learned (all prompts)" : "learned (cap " + cap + ")"; }
    };
  }

  public static void main(String[] a) {
    List<LabelledPrompt> d = RoutingData.load(Path.of("/work/shared/data/routing/mmlu"), RoutingData.DEFAULT_WEAK, RoutingData.DEFAULT_STRONG);
    double[][] costs = RoutingCosts.of(d, RoutingData.DEFAULT_WEAK, RoutingData.DEFAULT_STRONG, PriceCatalog.bundled(), 200);
    RoutingEvaluation ev = new RoutingEvaluation(d, costs, false, Calibrator.withGroupsPerDraw(8), null);
    for (long seed : new long[] {1, 2}) {
      for (int cap : new int[] {0, 300, 150, 100}) {
        ObjectNode r = ev.heldOut(capped(cap), new RoutingEvaluation.Options(8, 10, 5, seed, 0.95));
        ObjectNode c = (ObjectNode) r.get("calibrated");
        System.out.printf("seed %d %-22s apgr=%.3f cpt50=%.3f cpt80=%.3f cal_q=%.3f min=%.3f saving=%.3f%n", seed, capped(cap).kind(),
            r.get("apgr").asDouble(), r.get("cpt50").asDouble(), r.get("cpt80").asDouble(), c.get("quality_ratio").asDouble(),
            c.get("min_quality_ratio").asDouble(), c.get("cost_saving").asDouble());
      }
    }
  }
}
