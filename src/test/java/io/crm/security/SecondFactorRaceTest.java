package io.crm.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import io.crm.events.Change;
import io.crm.support.ApiTest;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

/**
 * A user change read before a code was spent (another replica, the same moment) must not put back the spent code:
 * MfaService moves the last step and pulls recovery codes without a new version.
 */
class SecondFactorRaceTest extends ApiTest {

    @Autowired
    MfaService mfa;

    @Test
    void aChangeReadBeforeACodeWasSpentDoesNotPutItBack() {
        String id = user(Role.MEMBER).getObjectId("_id").toHexString();
        String secret = Totp.newSecret();
        long step = Totp.step(clock.instant());
        List<String> recovery = mfa.enable(id, secret, Totp.code(secret, step));
        Document readBefore = users.get(id);

        clock.advance(Duration.ofSeconds(Totp.STEP_SECONDS));
        assertThat(mfa.verify(id, Totp.code(secret, step + 1))).isTrue();
        assertThat(mfa.verify(id, recovery.get(0))).isTrue();

        users.replace(readBefore, new Document(readBefore).append("displayName", "Renamed"),
                List.of(new Change("displayName", readBefore.getString("displayName"), "Renamed")));

        Document stored = users.get(id);
        assertThat(stored.getString("displayName")).isEqualTo("Renamed");
        assertThat(stored.get("totp", Document.class).getLong("lastStep")).isEqualTo(step + 1);
        assertThat(mfa.verify(id, Totp.code(secret, step + 1))).isFalse();
        assertThat(mfa.verify(id, recovery.get(0))).isFalse();
        assertThat(mfa.recoveryCodesLeft(id)).isEqualTo(9);
    }

    @Test
    void aChangeOfAnotherVersionIsStillRefused() {
        String id = user(Role.MEMBER).getObjectId("_id").toHexString();
        String secret = Totp.newSecret();
        mfa.enable(id, secret, Totp.code(secret, Totp.step(clock.instant())));
        Document readBefore = users.get(id);
        users.changeTimeZone(id, "Europe/Berlin");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> users.replace(readBefore,
                        new Document(readBefore).append("displayName", "Late"), List.of(new Change("displayName",
                                readBefore.getString("displayName"), "Late"))))
                .isInstanceOf(io.crm.record.RecordException.StaleVersion.class);
        assertThat(users.get(id).getString("displayName")).isNotEqualTo("Late");
    }
}
