package io.crm.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The other ways a client can spell a path that Tomcat, the firewall or Spring MVC may read as the same one:
 * percent-encoded letters, case, a trailing slash, empty and dot segments, {@code ;params}, an encoded slash.
 */
final class PathSpellings {

    private PathSpellings() {
    }

    /** Each spelling's name and the path (with the same query string, if any) spelled that way. */
    static Map<String, String> of(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String query = q < 0 ? "" : pathAndQuery.substring(q);
        List<String> segments = new ArrayList<>(Arrays.asList(path.substring(1).split("/", -1)));
        String first = segments.get(0);
        String rest = path.substring(1 + first.length());
        Map<String, String> spellings = new LinkedHashMap<>();
        spellings.put("first letter percent-encoded", "/" + encodeFirstLetter(first) + rest + query);
        int last = lastWord(segments);
        if (last > 0) {
            List<String> changed = new ArrayList<>(segments);
            changed.set(last, encodeFirstLetter(segments.get(last)));
            spellings.put("a later letter percent-encoded", "/" + String.join("/", changed) + query);
        }
        spellings.put("upper case", "/" + first.toUpperCase(Locale.ROOT) + rest + query);
        spellings.put("trailing slash", path + "/" + query);
        spellings.put("double slash", (rest.isEmpty() ? "/" + path : "/" + first + "/" + rest) + query);
        spellings.put("dot segment", "/." + path + query);
        spellings.put("parent segment", "/x/.." + path + query);
        spellings.put(";params", "/" + first + ";x=1" + rest + query);
        spellings.put(";jsessionid", path + ";jsessionid=0123456789ABCDEF" + query);
        if (!rest.isEmpty()) {
            spellings.put("encoded slash", "/" + first + "%2F" + rest.substring(1) + query);
        }
        return spellings;
    }

    private static String encodeFirstLetter(String segment) {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (Character.isLetter(c) && c < 0x80) {
                return segment.substring(0, i) + String.format("%%%02X", (int) c) + segment.substring(i + 1);
            }
        }
        return segment;
    }

    /** The last segment made of letters (a resource name, not an id), or -1. */
    private static int lastWord(List<String> segments) {
        for (int i = segments.size() - 1; i >= 0; i--) {
            if (segments.get(i).matches("[a-z][a-z.-]*")) {
                return i;
            }
        }
        return -1;
    }
}
