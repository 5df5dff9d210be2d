package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crm.support.ApiTest;
import io.crm.support.Http;
import io.crm.support.RawHttp;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input at the protocol level: malformed query strings, paths, headers and numbers, sent byte
 * for byte so that nothing is repaired on the way. Each must be a 4xx in the API's own error shape, never a 500 or
 * a silently changed value, and must leave the database as it was.
 */
class ProtocolBadInputTest extends ApiTest {

    private static final String JSON = "application/json";

    private RawHttp raw;
    private String contact;

    @BeforeEach
    void client() {
        raw = new RawHttp(port, "Authorization", "Bearer " + token(admin));
        contact = create("/api/v1/contacts", Map.of("name", "Ann", "email", "ann@example.test"));
        assertThat(http.post("/person/p-1", Map.of("name", "Legacy")).status()).isEqualTo(201);
    }

    record Bad(String method, String target, String contentType, String body, String... headers) {
        @Override
        public String toString() {
            return method + " " + (target.length() > 120 ? target.substring(0, 120) + "..." : target)
                    + (contentType == null ? "" : " [" + contentType + "]")
                    + (body == null ? "" : " " + body) + (headers.length == 0 ? "" : " " + String.join(" ", headers));
        }
    }

    @Test
    void malformedPercentEncodingInAQueryStringIsA400() {
        refused(400, List.of(
                new Bad("GET", "/api/v1/contacts?cursor=%%%garbage", null, null),
                new Bad("GET", "/api/v1/contacts?q=%E0%A4%A", null, null),
                new Bad("GET", "/api/v1/contacts?q=%", null, null),
                new Bad("GET", "/api/v1/deals?stage=%G1", null, null),
                new Bad("GET", "/api/v1/contacts?%zz=1", null, null),
                new Bad("GET", "/api/v1/contacts?q=%C3%28", null, null), // not UTF-8
                // NUL in search text: a MongoDB regex cannot carry it (found by GeneratedBadInputTest)
                new Bad("GET", "/api/v1/contacts?q=a%00b", null, null),
                new Bad("GET", "/api/v1/deals?q=%00", null, null),
                // a parameter that does not convert, repeated: the detail named java.lang.String[] (found likewise)
                new Bad("GET", "/api/v1/companies?archived=%00&archived=false", null, null),
                new Bad("GET", "/api/v1/contacts?archived=maybe", null, null),
                new Bad("GET", "/person/search?q=%00", null, null),
                new Bad("GET", "/api/v1/contacts/" + "x" + "?q=%", null, null),
                new Bad("GET", "/person?page=%zz", null, null),
                new Bad("GET", "/person/search?q=%", null, null),
                new Bad("GET", "/person/search?q=%ED%A0%80", null, null), // an encoded lone surrogate
                new Bad("GET", "/stats?x=%%", null, null),
                new Bad("GET", "/person?=", null, null),
                new Bad("GET", "/api/v1/companies?archived=false&=%00", null, null),
                new Bad("GET", "/api/v1/contacts?" + "a=1&".repeat(1001), null, null), // over Tomcat's count
                new Bad("GET", "/person/search?" + "q=1&".repeat(1001), null, null),
                new Bad("POST", "/person/p-2?x=%", JSON, "{\"name\":\"x\"}"),
                new Bad("PATCH", "/api/v1/contacts/" + contact + "?x=%", "application/merge-patch+json",
                        "{\"name\":\"x\"}")));
    }

    @Test
    void integersBeyond64BitsAreRefused() {
        String big = "12345678901234567890123";
        refused(400, List.of(
                new Bad("POST", "/api/v1/contacts", JSON, "{\"name\":\"x\",\"attributes\":{\"n\":" + big + "}}"),
                new Bad("PATCH", "/api/v1/contacts/" + contact, "application/merge-patch+json",
                        "{\"attributes\":{\"n\":-" + big + "}}"),
                new Bad("POST", "/person/p-2", JSON, "{\"name\":\"x\",\"n\":" + big + "}"),
                new Bad("PUT", "/person/p-1", JSON, "{\"name\":\"x\",\"n\":[" + big + "]}"),
                new Bad("POST", "/person/bulk", JSON, "[{\"person_id\":\"b-1\",\"n\":" + big + "}]")));
    }

    @Test
    void numbersBeyondADoubleAndNonNumbersAreRefusedNotStoredAsInfinity() {
        List<Bad> bad = new ArrayList<>();
        for (String number : List.of("1e999999", "-1e999999", "1e400", "NaN", "-Infinity", "Infinity", "+1",
                "1" + "0".repeat(1200))) {
            bad.add(new Bad("POST", "/api/v1/contacts", JSON, "{\"name\":\"x\",\"attributes\":{\"n\":" + number
                    + "}}"));
            bad.add(new Bad("POST", "/api/v1/deals", JSON, "{\"title\":\"x\",\"amount\":" + number + "}"));
            bad.add(new Bad("POST", "/person/p-2", JSON, "{\"name\":\"x\",\"n\":" + number + "}"));
        }
        refused(400, bad);
    }

    @Test
    void requestsTheFirewallRejectsAnswerInTheApisShape() {
        List<Bad> bad = new ArrayList<>();
        for (String base : List.of("/api/v1/contacts", "/person", "/stats")) {
            bad.add(new Bad("GET", base + ";jsessionid=x", null, null));
            bad.add(new Bad("GET", "/" + base, null, null));
            bad.add(new Bad("GET", base + "/%2e%2e/x", null, null));
            bad.add(new Bad("GET", base + "/%2E/x", null, null));
            bad.add(new Bad("GET", base + "/a%3bb", null, null));
            bad.add(new Bad("GET", base + "/%25", null, null));
            bad.add(new Bad("GET", base + "/a/../b", null, null));
            bad.add(new Bad("GET", base + "/a\\b", null, null));
        }
        refused(400, bad);
        // unencoded characters Tomcat lets through: no such record, in the API's shape (the error's instance encoded)
        refused(404, List.of(new Bad("GET", "/api/v1/contacts/a|b", null, null),
                new Bad("GET", "/api/v1/deals/{x}^", null, null), new Bad("GET", "/person/a|b", null, null)));
        refused(405, List.of(new Bad("TRACE", "/api/v1/contacts", null, null),
                new Bad("TRACE", "/person", null, null)));
    }

    @Test
    void malformedHeadersAreA4xx() {
        List<Bad> bad = new ArrayList<>();
        String patch = "/api/v1/contacts/" + contact;
        for (String ifMatch : List.of("\"", "\"abc", "W/", "*, \"1\"", "\"1\"\"2\"", ",,,", "\u00e9")) {
            bad.add(new Bad("PATCH", patch, "application/merge-patch+json", "{\"name\":\"x\"}", "If-Match", ifMatch));
        }
        for (String accept : List.of("garbage", "*/", "application/json;q=x", "text/*;q=2",
                "application/" + "x".repeat(6000), "a/b, ".repeat(2000) + "*/*", "/json", ";;;")) {
            bad.add(new Bad("GET", "/api/v1/contacts", null, null, "Accept", accept));
            bad.add(new Bad("GET", "/person/search?q=a", null, null, "Accept", accept));
        }
        for (String type : List.of("garbage", "application/", "/json", "application/json; charset=bogus",
                "application/json; charset=\"", "application/json; charset=utf-16", "application/json;;",
                "application/json; charset=utf-8; charset=latin1", "multipart/form-data; boundary=")) {
            bad.add(new Bad("POST", "/api/v1/contacts", type, "{\"name\":\"x\"}"));
            bad.add(new Bad("POST", "/person/p-2", type, "{\"name\":\"x\"}"));
            bad.add(new Bad("PATCH", patch, type, "{\"name\":\"x\"}"));
        }
        List<String> wrong = new ArrayList<>();
        for (Bad b : bad) {
            Http.Response response = raw.send(b.method(), b.target(), b.contentType(), b.body(), b.headers());
            String problem = BadResponses.noServerError(b.target(), response);
            if (problem != null) {
                wrong.add(b + " -> " + problem + ": " + abbreviate(response.toString()));
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void aWriteWithAnAcceptHeaderItCannotAnswerIsRefusedBeforeAnythingIsStored() {
        List<Bad> bad = new ArrayList<>();
        for (String accept : List.of("OOCyR", "text/plain", "application/xml", "text/*;q=2", "image/png, text/csv",
                "application/json; charset=utf-16", "application/problem+json;charset=UTF-32")) {
            bad.add(new Bad("POST", "/api/v1/contacts", JSON, "{\"name\":\"Accept\"}", "Accept", accept));
            bad.add(new Bad("PATCH", "/api/v1/contacts/" + contact, "application/merge-patch+json",
                    "{\"name\":\"Changed\"}", "Accept", accept));
            bad.add(new Bad("DELETE", "/api/v1/contacts/" + contact, null, null, "Accept", accept));
        }
        refused(406, bad);
    }

    private void refused(int status, List<Bad> bad) {
        Map<String, List<Document>> before = BadResponses.snapshot(mongo, relay);
        List<String> wrong = new ArrayList<>();
        for (Bad b : bad) {
            Http.Response response = raw.send(b.method(), b.target(), b.contentType(), b.body(), b.headers());
            String problem = response.status() != status ? "not a " + status
                    : BadResponses.refusal(b.target(), response);
            if (problem != null) {
                wrong.add(b + " -> " + problem + ": " + abbreviate(response.toString()));
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(BadResponses.snapshot(mongo, relay)).isEqualTo(before);
    }

    private static String abbreviate(String s) {
        s = s.replace("\n", " ");
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
