package io.crm.person;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.crm.json.JsonValues;
import io.crm.record.RecordMeta;
import io.crm.record.Text;
import org.bson.Document;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON in and out of the legacy API. Bodies are free-form, as in the original service, but become safe MongoDB
 * documents: no operator ({@code $}) or path (dotted) keys, never the bookkeeping key {@code _crm}, bounded nesting,
 * and numbers stored with the types the original's driver (pymongo) gave them (int32, int64, double).
 */
final class LegacyJson {

    /** Deeper documents than this are refused (MongoDB itself stops at 100 levels). */
    static final int MAX_DEPTH = 50;
    /** A safety net only: the platform's body size filter rejects large bodies long before this. */
    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private LegacyJson() {
    }

    /**
     * Reads and parses a request body: an empty body is "No data provided" (400) whatever its content type, a
     * non-JSON content type is 415 (as Flask's {@code request.get_json()}), malformed JSON is 400.
     */
    static JsonNode read(InputStream body, String contentType, JsonMapper mapper) throws IOException {
        byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new LegacyException(413, "Request body exceeds the limit of " + MAX_BODY_BYTES + " bytes");
        }
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            throw LegacyException.badRequest(LegacyException.NO_DATA);
        }
        if (!isJson(contentType)) {
            throw new LegacyException(415, "Content-Type must be application/json");
        }
        JsonNode node;
        try {
            node = mapper.readTree(bytes);
        } catch (JacksonException e) {
            throw LegacyException.badRequest("Request body is not valid JSON");
        }
        if (node == null || node.isNull() || node.isMissingNode() || (node.isContainer() && node.isEmpty())) {
            throw LegacyException.badRequest(LegacyException.NO_DATA);
        }
        return node;
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
    }

    /** A JSON object as a document to store; {@code what} names it in error messages. */
    static Document object(JsonNode node, String what) {
        if (!node.isObject()) {
            throw LegacyException.badRequest(what + " must be a JSON object");
        }
        return (Document) value(node, 1, "");
    }

    private static Object value(JsonNode node, int depth, String path) {
        if (depth > MAX_DEPTH) {
            throw LegacyException.badRequest("Data is nested more than " + MAX_DEPTH + " levels deep");
        }
        if (node.isObject()) {
            Document doc = new Document();
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String key = e.getKey();
                String keyPath = path.isEmpty() ? key : path + "." + key;
                checkKey(key, keyPath);
                doc.put(key, value(e.getValue(), depth + 1, keyPath));
            }
            return doc;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            int i = 0;
            for (JsonNode item : node.values()) {
                list.add(value(item, depth + 1, path + "[" + i++ + "]"));
            }
            return list;
        }
        if (node.isNull()) {
            return null;
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isString()) {
            if (!Text.isWellFormed(node.stringValue())) {
                throw LegacyException.badRequest("Text at " + label(path) + " is not valid Unicode");
            }
            return node.stringValue();
        }
        if (node.isIntegralNumber()) {
            if (node.canConvertToInt()) {
                return node.intValue();
            }
            BigInteger big = node.bigIntegerValue();
            if (big.bitLength() < 64) {
                return big.longValue();
            }
            throw LegacyException.badRequest("Number at " + label(path) + " is too large (64-bit integers at most)");
        }
        if (node.isNumber()) {
            double d = node.doubleValue();
            if (!Double.isFinite(d)) {
                throw LegacyException.badRequest("Number at " + label(path) + " is out of range");
            }
            return d;
        }
        throw LegacyException.badRequest("Unsupported value at " + label(path));
    }

    /** Keys become MongoDB field names: {@code $} would be an operator, a dot a path; {@code _crm} is ours. */
    static void checkKey(String key, String path) {
        if (key.startsWith("$") || key.contains(".") || key.indexOf('\0') >= 0 || key.equals(RecordMeta.META)
                || !Text.isWellFormed(key)) {
            throw LegacyException.badRequest("Field name '" + path + "' is not allowed: names must not start with $, "
                    + "contain dots, or be " + RecordMeta.META);
        }
    }

    private static String label(String path) {
        return path.isEmpty() ? "the top level" : "'" + path + "'";
    }

    /** The legacy view of a stored person: every field but the bookkeeping, {@code _id} as a hex string. */
    static Map<String, Object> view(Document stored) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : stored.entrySet()) {
            if (!e.getKey().equals(RecordMeta.META)) {
                out.put(e.getKey(), JsonValues.toJson(e.getValue()));
            }
        }
        return out;
    }

    /**
     * A regular expression matching {@code text} literally, on Java's engine and MongoDB's PCRE alike: every ASCII
     * character that is not a letter or digit is escaped (a backslash before such a character is always literal in
     * both), everything else stands for itself.
     */
    static String literalRegex(String text) {
        StringBuilder out = new StringBuilder(text.length() * 2);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 128 && !Character.isLetterOrDigit(c)) {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }
}
