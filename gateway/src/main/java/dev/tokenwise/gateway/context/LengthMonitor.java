package dev.tokenwise.gateway.context;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches how often answers under a tokenwise output cap stop at the cap
 * ({@code finish_reason: length}), per route, over a sliding window of recent capped answers. When
 * the rate passes the route's threshold it logs a warning and, with {@code on_exceed: disable},
 * stops applying the cap on that route until the gateway restarts, so a cap never keeps silently
 * truncating answers users need. Read {@link #snapshot()} for dashboards and metrics.
 */
public final class LengthMonitor {
    private static final Logger LOG = LoggerFactory.getLogger(LengthMonitor.class);

    /** The state of one route. */
    public record RouteStats(String route, long capped, long lengthStops, double windowRate, int windowSize,
                             boolean overThreshold, boolean capDisabled) {}

    private final Map<String, Window> routes = new ConcurrentHashMap<>();

    private static final class Window {
        final boolean[] ring;
        int next;
        int filled;
        int lengthInWindow;
        long capped;
        long lengthStops;
        boolean over;
        boolean disabled;

        Window(int size) { ring = new boolean[size]; }
    }

    /** True when the route's cap was switched off because too many answers were cut. */
    public boolean capDisabled(String route) {
        Window w = routes.get(route);
        if (w == null) return false;
        synchronized (w) { return w.disabled; }
    }

    /** Records one capped answer; {@code cut} when it ended with finish_reason length. */
    public void record(ContextConfig.RouteConfig route, boolean cut) {
        ContextConfig.OutputConfig o = route.output();
        Window w = routes.computeIfAbsent(route.name(), k -> new Window(o.window()));
        synchronized (w) {
            if (w.filled == w.ring.length) {
                if (w.ring[w.next]) w.lengthInWindow--;
            } else {
                w.filled++;
            }
            w.ring[w.next] = cut;
            if (cut) w.lengthInWindow++;
            w.next = (w.next + 1) % w.ring.length;
            w.capped++;
            if (cut) w.lengthStops++;
            double rate = (double) w.lengthInWindow / w.filled;
            boolean over = w.filled >= o.minSamples() && rate > o.lengthRateThreshold();
            if (over && !w.over) {
                boolean disable = "disable".equals(o.onExceed());
                LOG.warn("route {}: {} of the last {} capped answers stopped at max_tokens {} (rate {} > threshold {}){}",
                        route.name(), w.lengthInWindow, w.filled, o.maxTokens(), String.format("%.3f", rate),
                        o.lengthRateThreshold(), disable ? "; the cap is now disabled on this route" : "; raise the cap or set on_exceed: disable");
                if (disable) w.disabled = true;
            } else if (!over && w.over) {
                LOG.info("route {}: length-stop rate back under threshold ({})", route.name(), String.format("%.3f", rate));
            }
            w.over = over;
        }
    }

    /** Every route seen so far. */
    public List<RouteStats> snapshot() {
        List<RouteStats> out = new ArrayList<>();
        routes.forEach((name, w) -> {
            synchronized (w) {
                out.add(new RouteStats(name, w.capped, w.lengthStops, w.filled == 0 ? 0 : (double) w.lengthInWindow / w.filled,
                        w.filled, w.over, w.disabled));
            }
        });
        out.sort(java.util.Comparator.comparing(RouteStats::route));
        return out;
    }
}
