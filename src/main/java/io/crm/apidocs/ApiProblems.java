package io.crm.apidocs;

import static io.crm.apidocs.Bodies.INT;
import static io.crm.apidocs.Bodies.TEXT;
import static io.crm.apidocs.Bodies.object;
import static io.crm.apidocs.Bodies.props;
import static io.crm.apidocs.Bodies.schema;

import io.crm.record.Fields;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.stereotype.Component;

/**
 * Every /api/v1 failure is RFC 9457 problem+json ({@code ProblemHandler}): a shared {@code Problem} schema, declared
 * as each v1 operation's {@code 4XX} answer; a 400 of a bad body lists every field at once in {@code errors}.
 */
@Component
public class ApiProblems implements OpenApiCustomizer {

    static final String PROBLEM_JSON = "application/problem+json";

    @Override
    public void customise(OpenAPI openApi) {
        if (openApi.getPaths() == null) {
            return;
        }
        schema(openApi, "Problem", object(props(
                "type", Fields.schema("type", "string", "format", "uri-reference"),
                "title", TEXT,
                "status", INT,
                "detail", TEXT,
                "instance", Fields.schema("type", "string", "format", "uri-reference"),
                "errors", Fields.schema("type", "array", "items", object(props("field", Fields.schema("type",
                                "string", "description", "a JSON path: filterGroups[0].filters[1].operator"),
                        "message", TEXT), "field", "message"), "description", "400: every invalid field")),
                "title", "status"));
        Content problem = new Content().addMediaType(PROBLEM_JSON, new MediaType()
                .schema(new io.swagger.v3.oas.models.media.Schema<>().$ref(Bodies.REF + "Problem")));
        openApi.getPaths().forEach((path, item) -> {
            if (!path.startsWith("/api/v1/")) {
                return;
            }
            item.readOperations().forEach(operation -> {
                ApiResponses responses = operation.getResponses() == null ? new ApiResponses()
                        : operation.getResponses();
                responses.addApiResponse("4XX", new ApiResponse().description("A problem (RFC 9457)")
                        .content(problem));
                operation.setResponses(responses);
            });
        });
    }
}
