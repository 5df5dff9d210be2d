package io.crm.property;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import io.crm.record.Field;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;

/** A stored value under a changed definition: what converts, what does not, and option replacements. */
class PropertyConversionTest {

    private static CustomProperty property(PropertyType type, String... options) {
        List<CustomProperty.Option> list = new java.util.ArrayList<>();
        for (int i = 0; i < options.length; i++) {
            list.add(new CustomProperty.Option(options[i], options[i], i));
        }
        return new CustomProperty("deals", "p", "P", type, list, false, false, null, false);
    }

    private static Object convert(Object stored, CustomProperty target) {
        return PropertyConversion.convert(stored, target, Map.of());
    }

    @Test
    void textToNumbersAndBack() {
        assertThat(convert("12", property(PropertyType.NUMBER))).isEqualTo(12.0);
        assertThat(convert("12.10", property(PropertyType.DECIMAL)))
                .isEqualTo(new Decimal128(new BigDecimal("12.10")));
        assertThatThrownBy(() -> convert("large", property(PropertyType.NUMBER)))
                .isInstanceOf(Field.InvalidValue.class);
        assertThat(convert(12.0, property(PropertyType.TEXT))).isEqualTo("12");
        assertThat(convert(7.5, property(PropertyType.TEXT))).isEqualTo("7.5");
        assertThat(convert(new Decimal128(new BigDecimal("1.50")), property(PropertyType.TEXT))).isEqualTo("1.50");
        assertThat(convert(true, property(PropertyType.TEXT))).isEqualTo("true");
        assertThat(convert("true", property(PropertyType.BOOLEAN))).isEqualTo(true);
    }

    @Test
    void datesAndDatetimes() {
        Date at = Date.from(Instant.parse("2026-01-31T23:30:00Z"));
        assertThat(convert(at, property(PropertyType.DATE))).isEqualTo("2026-01-31");
        assertThat(convert("2026-01-31", property(PropertyType.DATETIME)))
                .isEqualTo(Date.from(Instant.parse("2026-01-31T00:00:00Z")));
        assertThat(convert(at, property(PropertyType.TEXT))).isEqualTo("2026-01-31T23:30:00Z");
    }

    @Test
    void selectsAndLists() {
        assertThat(convert("a", property(PropertyType.MULTISELECT, "a", "b"))).isEqualTo(List.of("a"));
        assertThat(convert(List.of("a"), property(PropertyType.SELECT, "a", "b"))).isEqualTo("a");
        assertThatThrownBy(() -> convert(List.of("a", "b"), property(PropertyType.SELECT, "a", "b")))
                .isInstanceOf(Field.InvalidValue.class);
        assertThatThrownBy(() -> convert("c", property(PropertyType.SELECT, "a", "b")))
                .isInstanceOf(Field.InvalidValue.class);
        assertThat(PropertyConversion.convert(List.of("old", "b"), property(PropertyType.MULTISELECT, "a", "b"),
                Map.of("old", "a"))).isEqualTo(List.of("a", "b"));
        assertThat(PropertyConversion.convert("old", property(PropertyType.SELECT, "a", "b"), Map.of("old", "b")))
                .isEqualTo("b");
    }

    @Test
    void theJsonViewIsJsonFriendly() {
        assertThat(PropertyConversion.json(new Decimal128(new BigDecimal("1234.50")))).isEqualTo("1234.50");
        assertThat(PropertyConversion.json(Date.from(Instant.parse("2026-01-31T08:00:00Z"))))
                .isEqualTo(Instant.parse("2026-01-31T08:00:00Z"));
        assertThat(PropertyConversion.input(Date.from(Instant.parse("2026-01-31T08:00:00Z"))))
                .isEqualTo("2026-01-31T08:00:00Z");
    }
}
