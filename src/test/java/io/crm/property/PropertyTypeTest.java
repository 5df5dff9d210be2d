package io.crm.property;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Date;
import java.util.List;
import java.util.Map;

import io.crm.record.Field;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;

/** Each type's JSON value to stored value, its refusals, and the index entry value. */
class PropertyTypeTest {

    private static final List<String> OPTIONS = List.of("emea", "amer");

    private static Object convert(PropertyType type, Object json) {
        return type.convert(json, OPTIONS);
    }

    private static void refused(PropertyType type, Object json) {
        assertThatThrownBy(() -> convert(type, json)).as(type + " " + json).isInstanceOf(Field.InvalidValue.class);
    }

    @Test
    void jsonNamesRoundTrip() {
        for (PropertyType type : PropertyType.values()) {
            assertThat(PropertyType.ofJson(type.json())).isSameAs(type);
        }
        assertThat(PropertyType.ofJson("colour")).isNull();
        assertThat(PropertyType.MULTISELECT.json()).isEqualTo("multiselect");
    }

    @Test
    void textEmailUrlAndPhoneAreStrings() {
        assertThat(convert(PropertyType.TEXT, "  Hello ")).isEqualTo("Hello");
        refused(PropertyType.TEXT, "   ");
        refused(PropertyType.TEXT, 5);
        refused(PropertyType.TEXT, "x".repeat(2001));
        assertThat(convert(PropertyType.EMAIL, "ann@example.test")).isEqualTo("ann@example.test");
        refused(PropertyType.EMAIL, "ann@");
        assertThat(convert(PropertyType.URL, "https://example.test/a?b=c")).isEqualTo("https://example.test/a?b=c");
        refused(PropertyType.URL, "ftp://example.test");
        refused(PropertyType.URL, "https://");
        refused(PropertyType.URL, 3);
        assertThat(convert(PropertyType.PHONE, "+1 (555) 0100")).isEqualTo("+1 (555) 0100");
        refused(PropertyType.PHONE, "call me");
    }

    @Test
    void numbersAreFiniteDoublesAndDecimalsExact() {
        assertThat(convert(PropertyType.NUMBER, 12)).isEqualTo(12.0);
        assertThat(convert(PropertyType.NUMBER, " 7.5 ")).isEqualTo(7.5);
        refused(PropertyType.NUMBER, "twelve");
        refused(PropertyType.NUMBER, "NaN");
        refused(PropertyType.NUMBER, "Infinity");
        refused(PropertyType.NUMBER, true);
        assertThat(convert(PropertyType.DECIMAL, "1234.50")).isEqualTo(new Decimal128(new BigDecimal("1234.50")));
        assertThat(convert(PropertyType.DECIMAL, 0.1)).isEqualTo(new Decimal128(new BigDecimal("0.1")));
        assertThat(convert(PropertyType.DECIMAL, 10L)).isEqualTo(new Decimal128(new BigDecimal("10")));
        refused(PropertyType.DECIMAL, "1,5");
        refused(PropertyType.DECIMAL, List.of());
    }

    @Test
    void datesAreIsoTextAndDatetimesInstants() {
        assertThat(convert(PropertyType.DATE, "2026-02-28")).isEqualTo("2026-02-28");
        refused(PropertyType.DATE, "2026-02-30");
        refused(PropertyType.DATE, "28/02/2026");
        assertThat(convert(PropertyType.DATETIME, "2026-01-31T09:00:00+01:00"))
                .isEqualTo(Date.from(java.time.Instant.parse("2026-01-31T08:00:00Z")));
        refused(PropertyType.DATETIME, "2026-01-31T09:00:00");
        refused(PropertyType.DATETIME, 5);
    }

    @Test
    void booleansAndSelects() {
        assertThat(convert(PropertyType.BOOLEAN, false)).isEqualTo(false);
        refused(PropertyType.BOOLEAN, "true");
        assertThat(convert(PropertyType.SELECT, "emea")).isEqualTo("emea");
        refused(PropertyType.SELECT, "EMEA");
        refused(PropertyType.SELECT, List.of("emea"));
        assertThat(convert(PropertyType.MULTISELECT, List.of("amer", "emea", "amer"))).isEqualTo(List.of("amer",
                "emea"));
        assertThat(convert(PropertyType.MULTISELECT, List.of())).isEqualTo(List.of());
        refused(PropertyType.MULTISELECT, "emea");
        refused(PropertyType.MULTISELECT, List.of("emea", "apac"));
        refused(PropertyType.MULTISELECT, Map.of());
    }

    @Test
    void indexValuesLowerCaseTextOnly() {
        assertThat(PropertyType.indexValue("EMEA")).isEqualTo("emea");
        assertThat(PropertyType.indexValue(12.0)).isEqualTo(12.0);
        assertThat(PropertyType.indexValue(true)).isEqualTo(true);
    }

    @Test
    void orderedTypes() {
        assertThat(PropertyType.NUMBER.ordered()).isTrue();
        assertThat(PropertyType.DATETIME.ordered()).isTrue();
        assertThat(PropertyType.BOOLEAN.ordered()).isFalse();
        assertThat(PropertyType.MULTISELECT.ordered()).isFalse();
    }
}
