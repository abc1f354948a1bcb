import dev.tokenwise.core.routing.*;
import dev.tokenwise.core.pricing.PriceCatalog;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.*;
import java.util.function.*;

/**
 * Exploration harness behind the "measured variants" in docs/benchmarks.md (Routing benchmarks): other labels,
 * regularisation and gradient-boosted trees, each through the same subject-held-out
 * RoutingEvaluation as the shipped router. Run from the repository root after building the jar:
 *   java -cp cli/target/tokenwise.jar scripts/routing-experiments/RoutingVariants.java
 */
public class RoutingVariants {
  static Scorer.Trainer lr(String name, Predicate<LabelledPrompt> label, double lambda, int[] drop) {
    return new Scorer.Trainer() {
      public Scorer train(List<LabelledPrompt> ex) {
        double[][] x = new double[ex.size()][]; boolean[] y = new boolean[ex.size()];
        for (int i=0;i<x.length;i++){ x[i]=f(ex.get(i).prompt(), drop); y[i]=label.test(ex.get(i)); }
        Logistic m = Logistic.fit(x, y, lambda);
        return p -> m.probability(f(p.prompt(), drop));
      }
      public String kind(){ return name; }
    };
  }
  static java.util.function.Function<String,double[]> M = PromptFeatures.memoised();
  static double[] f(String p, int[] drop) { double[] v = M.apply(p).clone(); for (int j : drop) v[j]=0; return v; }
  static Scorer.Trainer diff(double lambda) {
    return new Scorer.Trainer() {
      public Scorer train(List<LabelledPrompt> ex) {
        double[][] x = new double[ex.size()][]; boolean[] yw = new boolean[ex.size()], ys = new boolean[ex.size()];
        for (int i=0;i<x.length;i++){ x[i]=M.apply(ex.get(i).prompt()); yw[i]=ex.get(i).weakOk(); ys[i]=ex.get(i).strongOk(); }
        Logistic mw = Logistic.fit(x, yw, lambda), ms = Logistic.fit(x, ys, lambda);
        return p -> { double[] v = M.apply(p.prompt()); return (1 + ms.probability(v) - mw.probability(v)) / 2; };
      }
      public String kind(){ return "diff" + lambda; }
    };
  }
  // depth-limited regression trees on logistic loss gradients, 32 quantile bins per feature
  record Tree(int[] feat, double[] thr, double[] val, int depth) {
    double eval(double[] x) { int n = 0; for (int d = 0; d < depth; d++) n = 2*n + 1 + (x[feat[n]] > thr[n] ? 1 : 0); return val[n - ((1<<depth)-1)]; }
  }
  static class Model { List<Tree> trees = new ArrayList<>(); double base; double lr;
    double prob(double[] x){ double z=base; for (Tree t: trees) z+= lr*t.eval(x); return 1/(1+Math.exp(-z)); } }
  static Model fit(double[][] x, boolean[] y, int nTrees, int depth, double lr, int minLeaf) {
    int n = x.length, d = x[0].length;
    double[][] cuts = new double[d][];
    for (int j=0;j<d;j++){ double[] v=new double[n]; for(int i=0;i<n;i++) v[i]=x[i][j]; Arrays.sort(v); TreeSet<Double> s=new TreeSet<>(); for(int q=1;q<32;q++) s.add(v[(int)((long)q*n/32)]); cuts[j]=s.stream().mapToDouble(Double::doubleValue).toArray(); }
    double pos=0; for(boolean b:y) if(b) pos++; double p0=Math.min(0.99,Math.max(0.01,pos/n));
    Model m=new Model(); m.base=Math.log(p0/(1-p0)); m.lr=lr;
    double[] f=new double[n]; Arrays.fill(f,m.base);
    for (int t=0;t<nTrees;t++){
      double[] g=new double[n], h=new double[n];
      for(int i=0;i<n;i++){ double p=1/(1+Math.exp(-f[i])); g[i]=(y[i]?1:0)-p; h[i]=Math.max(p*(1-p),1e-6); }
      int nodes=(1<<depth)-1; int[] feat=new int[nodes]; double[] thr=new double[nodes]; double[] val=new double[1<<depth];
      int[] node=new int[n];
      for(int level=0;level<depth;level++){
        int first=(1<<level)-1;
        for(int k=0;k<(1<<level);k++){
          int id=first+k; double bestGain=-1; int bf=0; double bt=Double.POSITIVE_INFINITY;
          double G=0,H=0; int cnt=0; for(int i=0;i<n;i++) if(node[i]==id){G+=g[i];H+=h[i];cnt++;}
          for(int j=0;j<d;j++){
            double[] cg=new double[cuts[j].length+1], ch=new double[cuts[j].length+1]; int[] cc=new int[cuts[j].length+1];
            for(int i=0;i<n;i++) if(node[i]==id){ int b=Arrays.binarySearch(cuts[j],x[i][j]); if(b<0) b=-b-1; cg[b]+=g[i]; ch[b]+=h[i]; cc[b]++; }
            double gl=0,hl=0; int cl=0;
            for(int b=0;b<cuts[j].length;b++){ gl+=cg[b]; hl+=ch[b]; cl+=cc[b]; if(cl<minLeaf||cnt-cl<minLeaf) continue;
              double gain=gl*gl/(hl+1)+(G-gl)*(G-gl)/(H-hl+1)-G*G/(H+1); if(gain>bestGain){bestGain=gain;bf=j;bt=cuts[j][b];} }
          }
          feat[id]=bf; thr[id]=bt;
        }
        for(int i=0;i<n;i++){ int id=node[i]; node[i]=2*id+1+(x[i][feat[id]]>thr[id]?1:0); }
      }
      double[] lg=new double[1<<depth], lh=new double[1<<depth];
      for(int i=0;i<n;i++){ int leaf=node[i]-nodes; lg[leaf]+=g[i]; lh[leaf]+=h[i]; }
      for(int l=0;l<val.length;l++) val[l]=lg[l]/(lh[l]+1);
      Tree tr=new Tree(feat,thr,val,depth); m.trees.add(tr);
      for(int i=0;i<n;i++) f[i]+=lr*val[node[i]-nodes];
    }
    return m;
  }
  static Scorer.Trainer gb(int trees, int depth, double lr) {
    return new Scorer.Trainer() {
      public Scorer train(List<LabelledPrompt> ex) {
        double[][] x = new double[ex.size()][]; boolean[] yw = new boolean[ex.size()], ys = new boolean[ex.size()];
        for (int i=0;i<x.length;i++){ x[i]=M.apply(ex.get(i).prompt()); yw[i]=ex.get(i).weakOk(); ys[i]=ex.get(i).strongOk(); }
        Model mw = fit(x, yw, trees, depth, lr, 50), ms = fit(x, ys, trees, depth, lr, 50);
        return p -> { double[] v = M.apply(p.prompt()); return (1 + ms.prob(v) - mw.prob(v)) / 2; };
      }
      public String kind(){ return "gb" + trees + "d" + depth; }
    };
  }
  static void report(RoutingEvaluation ev, RoutingEvaluation.Options o, Scorer.Trainer t) {
    ObjectNode r = ev.heldOut(t, o);
    System.out.printf("%-18s splits=%d apgr=%.3f cpt50=%.3f cpt80=%.3f cal_q=%.3f min=%.3f share=%.3f%n", t.kind(), o.splits(),
        r.get("apgr").asDouble(), r.get("cpt50").asDouble(), r.get("cpt80").asDouble(), r.get("calibrated").get("quality_ratio").asDouble(),
        r.get("calibrated").get("min_quality_ratio").asDouble(), r.get("calibrated").get("strong_share").asDouble());
  }

  public static void main(String[] a) {
    List<LabelledPrompt> d = RoutingData.load(Path.of("/work/shared/data/routing/mmlu"), RoutingData.DEFAULT_WEAK, RoutingData.DEFAULT_STRONG);
    double[][] costs = RoutingCosts.of(d, RoutingData.DEFAULT_WEAK, RoutingData.DEFAULT_STRONG, PriceCatalog.bundled(), 200);
    RoutingEvaluation ev = new RoutingEvaluation(d, costs, false, new Calibrator(0.95, 50), null);
    RoutingEvaluation.Options six = new RoutingEvaluation.Options(8, 6, 3, 1, 0.95);
    report(ev, six, lr("weak_wrong", p -> !p.weakOk(), 1, new int[0]));
    report(ev, six, lr("gain", p -> !p.weakOk() && p.strongOk(), 1, new int[0]));
    report(ev, six, lr("weak_wrong_l100", p -> !p.weakOk(), 100, new int[0]));
    report(ev, six, diff(1));
    RoutingEvaluation.Options ten = new RoutingEvaluation.Options(8, 10, 3, 1, 0.95);
    report(ev, ten, gb(60, 3, 0.1));
    report(ev, ten, gb(150, 2, 0.1));
    report(ev, new RoutingEvaluation.Options(8, 4, 2, 1, 0.95), diff(1));
  }
}
