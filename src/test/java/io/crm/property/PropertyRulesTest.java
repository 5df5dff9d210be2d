package io.crm.property;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.crm.record.FieldError;
import io.crm.record.RecordException;
import org.bson.Document;
import org.junit.jupiter.api.Test;

/** The definition rules, without a store. */
class PropertyRulesTest {

    private static List<String> errors(Runnable call) {
        return catchThrowableOfType(RecordException.Invalid.class, call::run).errors().stream()
                .map(FieldError::field).toList();
    }

    @Test
    void aGoodDefinitionGetsItsDefaults() {
        Document doc = PropertyRules.create(Map.of("name", "region", "type", "select",
                "options", List.of(Map.of("value", "emea"), Map.of("value", "amer", "label", "Americas"))), Set.of());
        assertThat(doc.getString("label")).isEqualTo("region");
        assertThat(doc.getBoolean("required")).isFalse();
        assertThat(doc.getList("options", Document.class)).containsExactly(
                new Document("value", "emea").append("label", "emea").append("order", 0),
                new Document("value", "amer").append("label", "Americas").append("order", 1));
    }

    @Test
    void namesTypesAndFlagsAreChecked() {
        assertThat(errors(() -> PropertyRules.create(Map.of("name", "Region", "type", "text"), Set.of())))
                .containsExactly("name");
        assertThat(errors(() -> PropertyRules.create(Map.of("name", "a".repeat(65), "type", "text"), Set.of())))
                .containsExactly("name");
        assertThat(errors(() -> PropertyRules.create(Map.of("name", "title", "type", "text"), Set.of("title"))))
                .containsExactly("name");
        assertThat(errors(() -> PropertyRules.create(Map.of("name", "x", "type", "number", "unique", true,
                "required", "no"), Set.of()))).containsExactly("required");
        assertThat(errors(() -> PropertyRules.create(Map.of("name", "x", "type", "boolean", "unique", true),
                Set.of()))).containsExactly("unique");
        assertThat(errors(() -> PropertyRules.create(Map.of("name", "x", "type", "select",
                "options", List.of("a")), Set.of()))).containsExactly("options[0]");
    }

    @Test
    void patchesKeepNameAndUniqueAndNeedOptionsForSelects() {
        Document current = PropertyRules.create(Map.of("name", "size", "type", "text", "unique", true), Set.of());
        assertThat(errors(() -> PropertyRules.patch(current, Map.of("name", "other")))).containsExactly("name");
        assertThat(errors(() -> PropertyRules.patch(current, Map.of("unique", false)))).containsExactly("unique");
        assertThat(errors(() -> PropertyRules.patch(current, Map.of("type", "date")))).containsExactly("type");
        assertThat(PropertyRules.patch(current, Map.of("type", "number", "name", "size")).next().getString("type"))
                .isEqualTo("number");

        Document plain = PropertyRules.create(Map.of("name", "size", "type", "text"), Set.of());
        assertThat(errors(() -> PropertyRules.patch(plain, Map.of("type", "select")))).containsExactly("options");
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("type", "select");
        patch.put("options", List.of(Map.of("value", "s"), Map.of("value", "m")));
        patch.put("description", null);
        Document next = PropertyRules.patch(plain, patch).next();
        assertThat(CustomProperties.fromDocument(next).optionValues()).containsExactly("s", "m");
        // back to text: the options go
        assertThat(PropertyRules.patch(next, Map.of("type", "text")).next().getList("options", Object.class))
                .isEmpty();
    }

    @Test
    void replacementsMustNameANewOption() {
        Document select = PropertyRules.create(Map.of("name", "r", "type", "select",
                "options", List.of(Map.of("value", "a"), Map.of("value", "b"))), Set.of());
        assertThat(errors(() -> PropertyRules.patch(select, Map.of("options", List.of(Map.of("value", "b")),
                "replaceOptions", Map.of("a", "c"))))).containsExactly("replaceOptions.a");
        assertThat(PropertyRules.patch(select, Map.of("options", List.of(Map.of("value", "b")),
                "replaceOptions", Map.of("a", "b"))).replacements()).isEqualTo(Map.of("a", "b"));
    }
}
