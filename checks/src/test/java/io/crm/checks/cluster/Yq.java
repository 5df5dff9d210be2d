package io.crm.checks.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Tiny path lookup in parsed YAML: "spec.template.spec.containers.0.image"; "\\." escapes a dot inside a key. */
final class Yq {

    private Yq() {
    }

    static Object get(Object node, String path) {
        Object cur = node;
        for (String key : split(path)) {
            if (cur instanceof Map<?, ?> m) {
                cur = m.get(key);
            } else if (cur instanceof List<?> l && key.matches("\\d+")) {
                int i = Integer.parseInt(key);
                cur = i < l.size() ? l.get(i) : null;
            } else {
                return null;
            }
        }
        return cur;
    }

    private static List<String> split(String path) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' && i + 1 < path.length() && path.charAt(i + 1) == '.') {
                cur.append('.');
                i++;
            } else if (c == '.') {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        return parts;
    }
}
