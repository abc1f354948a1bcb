package dev.tokenwise.core.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The strong-call-share vs accuracy (and cost) curve a router traces on rated prompts: routing the
 * top-k scores to the strong model and the rest to the weak one, for every k. Tied scores are one
 * step (the curve is linear across a tie, the expectation of breaking it at random), so a router
 * with three tiers is not credited with an order it does not have.
 *
 * <p>In cascade mode every prompt pays the weak call and an escalated one pays the strong call too.
 */
public final class RoutingCurve {
    /** One vertex: strong-call share, accuracy and total cost when the top share goes strong. */
    public record Point(double share, double accuracy, double cost) {}

    private final List<Point> points;
    private final double weakAccuracy;
    private final double strongAccuracy;
    private final double strongCost;
    private final int n;

    private RoutingCurve(List<Point> points, double weakAccuracy, double strongAccuracy, double strongCost, int n) {
        this.points = List.copyOf(points);
        this.weakAccuracy = weakAccuracy;
        this.strongAccuracy = strongAccuracy;
        this.strongCost = strongCost;
        this.n = n;
    }

    /**
     * @param difficulty router score per prompt (higher goes strong first)
     * @param weakCost cost of answering each prompt with the weak model
     * @param strongCost cost of answering each prompt with the strong model
     * @param cascade whether an escalated prompt pays both calls
     */
    public static RoutingCurve of(double[] difficulty, boolean[] weakOk, boolean[] strongOk,
                                  double[] weakCost, double[] strongCost, boolean cascade) {
        int n = difficulty.length;
        if (n == 0) throw new IllegalArgumentException("no prompts to evaluate");
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -difficulty[i]));
        double correct = 0;
        double cost = 0;
        double allStrongCost = 0;
        int strongCorrect = 0;
        for (int i = 0; i < n; i++) {
            if (weakOk[i]) correct++;
            if (strongOk[i]) strongCorrect++;
            cost += weakCost[i];
            allStrongCost += strongCost[i];
        }
        double weakAcc = correct / n;
        List<Point> pts = new ArrayList<>();
        pts.add(new Point(0, weakAcc, cost));
        int k = 0;
        while (k < n) {
            int end = k;
            while (end < n && difficulty[order[end]] == difficulty[order[k]]) {
                int i = order[end];
                correct += (strongOk[i] ? 1 : 0) - (weakOk[i] ? 1 : 0);
                cost += cascade ? strongCost[i] : strongCost[i] - weakCost[i];
                end++;
            }
            pts.add(new Point((double) end / n, correct / n, cost));
            k = end;
        }
        return new RoutingCurve(pts, weakAcc, (double) strongCorrect / n, allStrongCost, n);
    }

    public List<Point> points() { return points; }
    public int n() { return n; }
    public double weakAccuracy() { return weakAccuracy; }
    public double strongAccuracy() { return strongAccuracy; }
    /** Cost of sending every prompt to the strong model (the baseline). */
    public double strongCost() { return strongCost; }

    /** Accuracy at a strong-call share, interpolated across ties. */
    public double accuracyAt(double share) {
        return interpolate(share, true);
    }

    public double costAt(double share) {
        return interpolate(share, false);
    }

    private double interpolate(double share, boolean accuracy) {
        for (int i = 1; i < points.size(); i++) {
            Point a = points.get(i - 1);
            Point b = points.get(i);
            if (share <= b.share() + 1e-12) {
                double t = b.share() == a.share() ? 1 : (share - a.share()) / (b.share() - a.share());
                t = Math.max(0, Math.min(1, t));
                return accuracy ? a.accuracy() + t * (b.accuracy() - a.accuracy()) : a.cost() + t * (b.cost() - a.cost());
            }
        }
        Point last = points.get(points.size() - 1);
        return accuracy ? last.accuracy() : last.cost();
    }

    /** Smallest strong-call share at which accuracy reaches {@code target}; 1 if it never does. */
    public double shareReaching(double target) {
        if (points.get(0).accuracy() >= target - 1e-12) return 0;
        for (int i = 1; i < points.size(); i++) {
            Point a = points.get(i - 1);
            Point b = points.get(i);
            if (b.accuracy() >= target - 1e-12) {
                if (b.accuracy() == a.accuracy()) return b.share();
                double t = (target - a.accuracy()) / (b.accuracy() - a.accuracy());
                return a.share() + Math.max(0, Math.min(1, t)) * (b.share() - a.share());
            }
        }
        return 1;
    }

    /** CPT(p): smallest strong-call share reaching weak + p·(strong − weak). */
    public double cpt(double p) {
        if (strongAccuracy <= weakAccuracy) return 0;
        return shareReaching(weakAccuracy + p * (strongAccuracy - weakAccuracy));
    }

    /** Average performance gap recovered: (area − weak area) / (strong area − weak area). */
    public double apgr() {
        double gap = strongAccuracy - weakAccuracy;
        if (gap <= 0) return Double.NaN;
        double area = 0;
        for (int i = 1; i < points.size(); i++) {
            Point a = points.get(i - 1);
            Point b = points.get(i);
            area += (b.share() - a.share()) * (a.accuracy() + b.accuracy()) / 2;
        }
        return (area - weakAccuracy) / gap;
    }

    /** Smallest strong-call share reaching {@code fraction} of always-strong accuracy. */
    public double strongShareAt(double fraction) {
        return shareReaching(fraction * strongAccuracy);
    }

    /** 1 − cost at that share ÷ always-strong cost. */
    public double costSavingAt(double fraction) {
        return strongCost <= 0 ? 0 : 1 - costAt(strongShareAt(fraction)) / strongCost;
    }
}
