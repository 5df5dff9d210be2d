package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TotpTest {

    /** RFC 6238 Appendix B's SHA1 key: the ASCII of "12345678901234567890". */
    private static final byte[] RFC_KEY = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final String RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    @ParameterizedTest
    @CsvSource({"59, 94287082", "1111111109, 07081804", "1111111111, 14050471", "1234567890, 89005924",
            "2000000000, 69279037", "20000000000, 65353130"})
    void rfc6238AppendixBSha1Vectors(long unixTime, String eightDigits) {
        long step = Totp.step(Instant.ofEpochSecond(unixTime));
        assertThat(Totp.code(RFC_KEY, step, 8)).isEqualTo(eightDigits);
        // the 6-digit code apps show is the same number modulo 10^6
        String six = eightDigits.substring(2);
        assertThat(Totp.code(RFC_SECRET, step)).isEqualTo(six);
        assertThat(Totp.matchingStep(RFC_SECRET, six, Instant.ofEpochSecond(unixTime))).hasValue(step);
    }

    @Test
    void base32OfTheRfcKey() {
        assertThat(Base32.encode(RFC_KEY)).isEqualTo(RFC_SECRET);
        assertThat(Base32.decode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq")).isEqualTo(RFC_KEY);
        assertThat(Base32.encode("f".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MY");
        assertThat(Base32.encode("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
        assertThat(Base32.decode("MZXW6YTBOI")).isEqualTo("foobar".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> Base32.decode("not base32!")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void oneStepEitherSideIsAcceptedTwoAreNot() {
        Instant now = Instant.ofEpochSecond(1_700_000_000L);
        long current = Totp.step(now);
        String secret = Totp.newSecret();
        for (long offset = -1; offset <= 1; offset++) {
            assertThat(Totp.matchingStep(secret, Totp.code(secret, current + offset), now))
                    .hasValue(current + offset);
        }
        for (long offset : new long[] {-2, 2, -10}) {
            String code = Totp.code(secret, current + offset);
            // a code of a far step that happens to equal a near step's code would be accepted as that step: skip it
            boolean collides = Totp.code(secret, current - 1).equals(code) || Totp.code(secret, current).equals(code)
                    || Totp.code(secret, current + 1).equals(code);
            if (!collides) {
                assertThat(Totp.matchingStep(secret, code, now)).isEmpty();
            }
        }
    }

    @Test
    void aWrongStepIsRefusedForTheRfcKey() {
        // 59 s is step 1; step 3's code (at 90..119 s) is two steps away
        String stepThree = Totp.code(RFC_SECRET, 3);
        assertThat(stepThree).isNotIn(Totp.code(RFC_SECRET, 0), Totp.code(RFC_SECRET, 1), Totp.code(RFC_SECRET, 2));
        assertThat(Totp.matchingStep(RFC_SECRET, stepThree, Instant.ofEpochSecond(59))).isEmpty();
        assertThat(Totp.matchingStep(RFC_SECRET, stepThree, Instant.ofEpochSecond(60))).hasValue(3);
    }

    @Test
    void malformedCodesAreRefused() {
        Instant now = Instant.ofEpochSecond(59);
        assertThat(Totp.matchingStep(RFC_SECRET, null, now)).isEmpty();
        assertThat(Totp.matchingStep(RFC_SECRET, "28708", now)).isEmpty();
        assertThat(Totp.matchingStep(RFC_SECRET, "2870822", now)).isEmpty();
        assertThat(Totp.matchingStep(RFC_SECRET, "28708a", now)).isEmpty();
        assertThat(Totp.matchingStep(RFC_SECRET, "287 082", now)).hasValue(1);
    }

    @Test
    void secretsAreRandom160BitAndTheUriIsTheKeyUriFormat() {
        String secret = Totp.newSecret();
        assertThat(Base32.decode(secret)).hasSize(20);
        assertThat(secret).isNotEqualTo(Totp.newSecret());
        assertThat(Totp.uri("CRM", "ann@example.test", "ABC"))
                .isEqualTo("otpauth://totp/CRM:ann%40example.test?secret=ABC&issuer=CRM&algorithm=SHA1&digits=6"
                        + "&period=30");
    }

    @Test
    void recoveryCodesAreHashedWhateverTheSpelling() {
        String code = MfaService.recoveryCode();
        assertThat(code).matches("[A-Z2-9]{4}(-[A-Z2-9]{4}){3}");
        assertThat(MfaService.hash(code.toLowerCase().replace("-", " "))).isEqualTo(MfaService.hash(code));
        assertThat(MfaService.hash(code)).hasSize(64).isNotEqualTo(MfaService.hash(MfaService.recoveryCode()));
    }
}
