package io.crm.deal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;

import io.crm.record.Field;
import io.crm.record.Fields;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;

/** The amount rule deals use (Fields.money): exact decimals, two places, never negative. */
class DealAmountTest {

    private final Field.Converter money = Fields.money();

    private String amount(Object json) {
        return ((Decimal128) money.convert(json)).bigDecimalValue().toPlainString();
    }

    @Test
    void acceptsTextAndNumbersExactly() {
        assertThat(amount("1234.5")).isEqualTo("1234.50");
        assertThat(amount(" 0.10 ")).isEqualTo("0.10");
        assertThat(amount(0.1)).isEqualTo("0.10");
        assertThat(amount(0.3)).isEqualTo("0.30");
        assertThat(amount(1234.56)).isEqualTo("1234.56");
        assertThat(amount(9999999999998.99)).isEqualTo("9999999999998.99");
        assertThat(amount(42)).isEqualTo("42.00");
        assertThat(amount(42L)).isEqualTo("42.00");
        assertThat(amount(new BigInteger("123456789012345"))).isEqualTo("123456789012345.00");
        assertThat(amount(new BigDecimal("12345678901234.56"))).isEqualTo("12345678901234.56");
        assertThat(amount("1E+3")).isEqualTo("1000.00");
        assertThat(amount("2.500")).isEqualTo("2.50");
    }

    @Test
    void rejectsWhatIsNotAnExactNonNegativeTwoDecimalAmount() {
        assertThatThrownBy(() -> money.convert("-1")).hasMessageContaining("zero or more");
        assertThatThrownBy(() -> money.convert("1.005")).hasMessageContaining("2 decimals");
        assertThatThrownBy(() -> money.convert(0.125)).hasMessageContaining("2 decimals");
        assertThatThrownBy(() -> money.convert("ten")).hasMessageContaining("decimal number");
        assertThatThrownBy(() -> money.convert(Double.NaN)).hasMessageContaining("decimal number");
        assertThatThrownBy(() -> money.convert("1234567890123456")).hasMessageContaining("too large");
        // a binary double cannot carry this many digits exactly: the client must send text
        assertThatThrownBy(() -> money.convert(12345678901234.56)).hasMessageContaining("string");
        assertThat(new BigDecimal(12345678901234.56).toPlainString()).isNotEqualTo("12345678901234.56");
    }
}
