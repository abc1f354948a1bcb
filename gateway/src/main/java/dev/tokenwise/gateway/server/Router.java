package dev.tokenwise.gateway.server;

import dev.tokenwise.core.error.GatewayException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Finds the handler for a method and path: fixed paths by one map lookup, paths with
 * {@code {name}} segments by matching segment by segment. A path no route has is a 404; a path
 * that exists for other methods a 405.
 */
final class Router implements Routes {
    private final Map<String, Map<String, Handler>> fixed = new HashMap<>();
    /** Paths with parameters, by their registered form, in registration order. */
    private final Map<String, Pattern> patterns = new LinkedHashMap<>();

    private record Pattern(String[] segments, Map<String, Handler> byMethod) {
        Map<String, String> match(String[] path) {
            if (path.length != segments.length) return null;
            Map<String, String> params = null;
            for (int i = 0; i < path.length; i++) {
                String s = segments[i];
                if (s.startsWith("{") && s.endsWith("}")) {
                    if (path[i].isEmpty()) return null;
                    if (params == null) params = new HashMap<>(4);
                    params.put(s.substring(1, s.length() - 1), path[i]);
                } else if (!s.equals(path[i])) {
                    return null;
                }
            }
            return params == null ? Map.of() : params;
        }
    }

    /** A handler with the path parameters it matched. */
    record Match(Handler handler, Map<String, String> params) {}

    @Override
    public void get(String path, Handler handler) { add("GET", path, handler); }

    @Override
    public void post(String path, Handler handler) { add("POST", path, handler); }

    @Override
    public void delete(String path, Handler handler) { add("DELETE", path, handler); }

    private void add(String method, String path, Handler handler) {
        Map<String, Handler> byMethod;
        if (path.contains("{")) {
            byMethod = patterns.computeIfAbsent(path, p -> new Pattern(p.split("/", -1), new LinkedHashMap<>())).byMethod();
        } else {
            byMethod = fixed.computeIfAbsent(path, p -> new LinkedHashMap<>());
        }
        if (byMethod.putIfAbsent(method, handler) != null) throw new IllegalStateException(method + " " + path + " is registered twice");
    }

    Match resolve(String method, String path) {
        Map<String, Handler> byMethod = fixed.get(path);
        Map<String, String> params = Map.of();
        if (byMethod == null) {
            String[] segs = path.split("/", -1);
            for (Pattern p : patterns.values()) {
                Map<String, String> m = p.match(segs);
                if (m != null) {
                    byMethod = p.byMethod();
                    params = m;
                    break;
                }
            }
        }
        if (byMethod == null) throw GatewayException.notFound("Unknown path: " + method + " " + path);
        Handler h = byMethod.get(method);
        if (h == null) {
            throw GatewayException.builder(405, "Method " + method + " is not allowed on " + path)
                    .type("invalid_request_error").code("method_not_allowed").build();
        }
        return new Match(h, params);
    }
}
