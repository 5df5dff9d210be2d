package io.crm.apidocs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * The check that an OpenAPI document types every /api/v1 body: each JSON request body and each 2xx JSON answer is a
 * schema with properties (or an array or map of typed values, or a {@code $ref} to such a schema); no {@code * / *}
 * placeholder; a 2xx other than 204 says what it returns; CSV downloads are declared {@code text/csv}. Returns what
 * is wrong, one line each ({@code POST /api/v1/x request application/json: untyped}); empty when all is well.
 */
final class TypedBodies {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    private static final Set<String> JSON = Set.of("application/json", "application/merge-patch+json",
            "application/problem+json");

    private TypedBodies() {
    }

    static List<String> problems(JsonNode document) {
        List<String> problems = new ArrayList<>();
        JsonNode schemas = document.path("components").path("schemas");
        for (Map.Entry<String, JsonNode> path : document.get("paths").properties()) {
            if (!path.getKey().startsWith("/api/v1/")) {
                continue;
            }
            for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
                if (!METHODS.contains(method.getKey())) {
                    continue;
                }
                String at = method.getKey().toUpperCase(java.util.Locale.ROOT) + " " + path.getKey();
                JsonNode operation = method.getValue();
                content(operation.path("requestBody").path("content"), at + " request", schemas, problems);
                boolean csv = false;
                for (Map.Entry<String, JsonNode> response : operation.path("responses").properties()) {
                    if (!response.getKey().startsWith("2")) {
                        continue;
                    }
                    JsonNode content = response.getValue().path("content");
                    if (!"204".equals(response.getKey()) && content.isEmpty()) {
                        problems.add(at + " " + response.getKey() + ": no content declared");
                    }
                    content(content, at + " " + response.getKey(), schemas, problems);
                    csv |= content.has("text/csv");
                }
                if ((path.getKey().endsWith("/export") || path.getKey().endsWith(".csv")) && !csv) {
                    problems.add(at + ": a CSV download not declared text/csv");
                }
            }
        }
        return problems;
    }

    private static void content(JsonNode content, String at, JsonNode schemas, List<String> problems) {
        for (Map.Entry<String, JsonNode> media : content.properties()) {
            JsonNode schema = media.getValue().path("schema");
            if (media.getKey().equals("*/*")) {
                problems.add(at + " */*: no media type");
            } else if (JSON.contains(media.getKey()) || media.getKey().equals("multipart/form-data")) {
                if (!typed(schema, schemas, 0)) {
                    problems.add(at + " " + media.getKey() + ": untyped " + schema);
                }
            } else if (!schema.has("type")) {
                problems.add(at + " " + media.getKey() + ": no schema");
            }
        }
    }

    /** A schema that says what is inside: properties, typed items or values, or a reference to such a schema. */
    static boolean typed(JsonNode schema, JsonNode schemas, int depth) {
        if (schema == null || schema.isMissingNode() || depth > 10) {
            return false;
        }
        if (schema.has("$ref")) {
            String name = schema.get("$ref").asString().replace(Bodies.REF, "");
            return typed(schemas.get(name), schemas, depth + 1);
        }
        if (!schema.path("properties").isEmpty()) {
            return true;
        }
        for (String combination : List.of("allOf", "anyOf", "oneOf")) {
            if (schema.has(combination)) {
                boolean all = true;
                for (JsonNode member : schema.get(combination)) {
                    all &= "null".equals(member.path("type").asString()) || typed(member, schemas, depth + 1);
                }
                return all;
            }
        }
        if (schema.has("items")) {
            return described(schema.get("items"));
        }
        return schema.path("additionalProperties").isObject() && described(schema.get("additionalProperties"));
    }

    private static boolean described(JsonNode schema) {
        return schema.has("type") || schema.has("$ref") || schema.has("anyOf") || schema.has("oneOf");
    }
}
