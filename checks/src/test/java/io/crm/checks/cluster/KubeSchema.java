package io.crm.checks.cluster;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import io.kubernetes.client.openapi.JSON;

/**
 * Strict validation of built-in kinds with the official Kubernetes Java models: validateJsonElement rejects unknown
 * fields at any depth and missing required fields; a parse/serialize round trip must give back the same JSON, which
 * catches wrongly typed scalars (a quoted port, a number where a string belongs) that the API server would reject.
 */
final class KubeSchema {

    /** Groups whose kinds are CustomResources, checked by {@link CrdRules} instead. */
    static final List<String> CRD_GROUPS = List.of("monitoring.coreos.com", "bitnami.com", "argoproj.io",
            "cert-manager.io", "traefik.io", "elasticsearch.k8s.elastic.co", "kibana.k8s.elastic.co");

    private static final Gson PLAIN = new GsonBuilder().serializeNulls().create();

    private KubeSchema() {
    }

    static boolean isCustomResource(Map<String, Object> obj) {
        String apiVersion = String.valueOf(obj.get("apiVersion"));
        return apiVersion.contains("/") && CRD_GROUPS.contains(apiVersion.substring(0, apiVersion.indexOf('/')));
    }

    static Class<?> modelClass(Map<String, Object> obj) {
        String apiVersion = String.valueOf(obj.get("apiVersion"));
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        String name = "io.kubernetes.client.openapi.models." + Character.toUpperCase(version.charAt(0))
                + version.substring(1) + obj.get("kind");
        try {
            return Class.forName(name);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** Problems of one built-in object; empty when it is valid. */
    static List<String> validate(Map<String, Object> obj) {
        List<String> problems = new ArrayList<>();
        Class<?> model = modelClass(obj);
        if (model == null) {
            problems.add("unknown apiVersion/kind " + obj.get("apiVersion") + " " + obj.get("kind"));
            return problems;
        }
        String json = PLAIN.toJson(obj);
        JsonElement source = JsonParser.parseString(json);
        try {
            model.getMethod("validateJsonElement", JsonElement.class).invoke(null, source);
        } catch (InvocationTargetException e) {
            problems.add(model.getSimpleName() + ": " + e.getCause().getMessage());
            return problems;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        Object parsed;
        try {
            parsed = JSON.deserialize(json, model);
        } catch (RuntimeException e) {
            problems.add(model.getSimpleName() + " does not parse: " + e.getMessage());
            return problems;
        }
        JsonElement back = JsonParser.parseString(JSON.serialize(parsed));
        diff("", source, back, problems);
        return problems;
    }

    /** Differences between the source JSON and its round trip (nulls in the source, and empty defaults the
     * models add, count as absent). */
    static void diff(String path, JsonElement a, JsonElement b, List<String> out) {
        if (a == null || a.isJsonNull()) {
            // The models initialise optional lists and maps to empty ones: those stand for "absent".
            boolean emptyDefault = b != null && ((b.isJsonArray() && b.getAsJsonArray().isEmpty())
                    || (b.isJsonObject() && b.getAsJsonObject().isEmpty()));
            if (b != null && !b.isJsonNull() && !emptyDefault) {
                out.add(path + ": appeared after round trip as " + b);
            }
            return;
        }
        if (b == null || b.isJsonNull()) {
            out.add(path + ": dropped by the model (" + a + ")");
            return;
        }
        if (a.isJsonObject() && b.isJsonObject()) {
            JsonObject ao = a.getAsJsonObject();
            JsonObject bo = b.getAsJsonObject();
            for (String k : ao.keySet()) {
                diff(path + "/" + k, ao.get(k), bo.get(k), out);
            }
            for (String k : bo.keySet()) {
                if (!ao.has(k)) {
                    diff(path + "/" + k, null, bo.get(k), out);
                }
            }
        } else if (a.isJsonArray() && b.isJsonArray()) {
            JsonArray aa = a.getAsJsonArray();
            JsonArray ba = b.getAsJsonArray();
            if (aa.size() != ba.size()) {
                out.add(path + ": list size " + aa.size() + " became " + ba.size());
                return;
            }
            for (int i = 0; i < aa.size(); i++) {
                diff(path + "/" + i, aa.get(i), ba.get(i), out);
            }
        } else if (a.isJsonPrimitive() && b.isJsonPrimitive()) {
            JsonPrimitive ap = a.getAsJsonPrimitive();
            JsonPrimitive bp = b.getAsJsonPrimitive();
            boolean sameType = ap.isString() == bp.isString() && ap.isNumber() == bp.isNumber()
                    && ap.isBoolean() == bp.isBoolean();
            if (!sameType || !ap.equals(bp)) {
                out.add(path + ": " + ap + " became " + bp + " (wrong type for this field?)");
            }
        } else {
            out.add(path + ": " + a + " became " + b);
        }
    }
}
