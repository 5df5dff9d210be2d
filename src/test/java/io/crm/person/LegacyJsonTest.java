package io.crm.person;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

import io.crm.support.Http;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.info.BuildProperties;

class LegacyJsonTest {

    @Test
    void literalRegexMatchesTheTextItselfAndNothingElse() {
        List<String> texts = List.of(".", ".*", "a+b", "(x)", "[", "]", "\\", "\\E", "\\Qx\\E", "^$", "a|b", "{2}",
                "?", "#", " ", "-", "caf\u00e9", "\u2713 ok", "tab\there", "new\nline", "/slash/", "\"q\"");
        for (String text : texts) {
            Pattern pattern = Pattern.compile(LegacyJson.literalRegex(text), Pattern.CASE_INSENSITIVE);
            assertThat(pattern.matcher("xx" + text + "yy").find()).as(text).isTrue();
            String other = text.replaceAll("[^\\n]", "z");
            if (!other.equals(text)) {
                assertThat(pattern.matcher(other).find()).as(text + " vs " + other).isFalse();
            }
        }
        assertThat(Pattern.compile(LegacyJson.literalRegex(".")).matcher("abc").find()).isFalse();
        assertThat(Pattern.compile(LegacyJson.literalRegex("a.c")).matcher("abc").find()).isFalse();
    }

    @Test
    void bodiesBecomeDocumentsWithThePythonDriversNumberTypes() throws Exception {
        Document doc = LegacyJson.object(read("{\"i\":1,\"l\":4294967296,\"d\":1.5,\"e\":1e3,\"b\":true,"
                + "\"n\":null,\"s\":\"x\",\"a\":[1,{\"k\":\"v\"}],\"o\":{\"p\":2}}"), "Body");
        assertThat(doc.get("i")).isEqualTo(1);
        assertThat(doc.get("l")).isEqualTo(4294967296L);
        assertThat(doc.get("d")).isEqualTo(1.5);
        assertThat(doc.get("e")).isEqualTo(1000.0);
        assertThat(doc.get("b")).isEqualTo(true);
        assertThat(doc.containsKey("n")).isTrue();
        assertThat(doc.get("n")).isNull();
        assertThat(doc.get("a")).isEqualTo(List.of(1, new Document("k", "v")));
        assertThat(doc.get("o")).isEqualTo(new Document("p", 2));
        assertThat(List.copyOf(doc.keySet())).containsExactly("i", "l", "d", "e", "b", "n", "s", "a", "o");
    }

    @Test
    void unsafeKeysAndValuesAreRefused() throws Exception {
        for (String body : List.of("{\"$x\":1}", "{\"a.b\":1}", "{\"_crm\":1}", "{\"o\":{\"_crm\":1}}",
                "{\"a\":[[{\"$x\":1}]]}", "{\"k\\u0000\":1}", "{\"n\":1e999}", "{\"n\":-99999999999999999999}")) {
            assertThatThrownBy(() -> LegacyJson.object(read(body), "Body")).as(body)
                    .isInstanceOfSatisfying(LegacyException.class, e -> assertThat(e.status()).isEqualTo(400));
        }
        assertThat(LegacyJson.object(read("{\"ok_key\":{\"$fine\":false}}".replace("$fine", "fine")), "Body"))
                .containsKey("ok_key");
    }

    @Test
    void readRefusesEmptyNonJsonAndBrokenBodies() {
        assertStatus("", "application/json", 400, "No data provided");
        assertStatus("   ", null, 400, "No data provided");
        assertStatus("{}", "application/json; charset=utf-8", 400, "No data provided");
        assertStatus("{\"a\":1}", "text/plain", 415, "Content-Type must be application/json");
        assertStatus("{\"a\":1}", null, 415, "Content-Type must be application/json");
        assertStatus("{\"a\":", "application/json", 400, "Request body is not valid JSON");
        assertThat(LegacyJson.isJson("application/problem+json")).isTrue();
        assertThat(LegacyJson.isJson("APPLICATION/JSON;charset=UTF-8")).isTrue();
        assertThat(LegacyJson.isJson("application/jsonx")).isFalse();
    }

    @Test
    void theViewHidesTheBookkeepingAndShowsIdsAsHex() {
        ObjectId id = new ObjectId();
        Map<String, Object> view = LegacyJson.view(new Document("_id", id).append("name", "A")
                .append("_crm", new Document("version", 3L)).append("person_id", "1"));
        assertThat(view).containsExactly(Map.entry("_id", id.toHexString()), Map.entry("name", "A"),
                Map.entry("person_id", "1"));
    }

    @Test
    void versionComesFromBuildInfoThenTheManifest() {
        Properties props = new Properties();
        props.setProperty("version", "2.3.4");
        assertThat(LegacyRootController.version(new BuildProperties(props), "1.0", "0.9")).isEqualTo("2.3.4");
        assertThat(LegacyRootController.version(null, "1.0", "0.9")).isEqualTo("1.0");
        assertThat(LegacyRootController.version(null, " ", "0.9")).isEqualTo("0.9");
        assertThat(LegacyRootController.version(null, null, null)).isEqualTo(LegacyRootController.UNKNOWN_VERSION);
    }

    @Test
    void pageAndLimitParameters() {
        assertThat(PersonController.page(null)).isEqualTo(1);
        assertThat(PersonController.page(" 3 ")).isEqualTo(3);
        assertThat(PersonController.limit(null, 100)).isEqualTo(20);
        assertThat(PersonController.limit("100", 100)).isEqualTo(100);
        assertThat(PersonController.limit("101", 100)).isEqualTo(100);
        for (String bad : List.of("0", "-1", "x", "", "1.0", "99999999999")) {
            assertThatThrownBy(() -> PersonController.page(bad)).isInstanceOf(LegacyException.class);
        }
        for (String bad : List.of("0", "-1", "x", "")) {
            assertThatThrownBy(() -> PersonController.limit(bad, 100)).isInstanceOf(LegacyException.class);
        }
    }

    private static void assertStatus(String body, String contentType, int status, String message) {
        assertThatThrownBy(() -> LegacyJson.read(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)),
                contentType, Http.JSON)).isInstanceOfSatisfying(LegacyException.class, e -> {
                    assertThat(e.status()).isEqualTo(status);
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }

    private static JsonNode read(String json) throws Exception {
        return LegacyJson.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "application/json",
                Http.JSON);
    }
}
