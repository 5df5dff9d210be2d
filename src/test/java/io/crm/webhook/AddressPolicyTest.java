package io.crm.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.hc.core5.http.message.BasicHeader;
import org.junit.jupiter.api.Test;

/** Where webhooks may go, and the sender's own check on the address it really connects to. */
class AddressPolicyTest {

    private static final WebhookProperties PROPERTIES = new WebhookProperties(true, false, Duration.ofSeconds(2),
            Duration.ofDays(3), 4, 2, List.of(Duration.ofSeconds(5), Duration.ofHours(10)), Duration.ofSeconds(1),
            Duration.ofHours(24), Duration.ofDays(30));

    @Test
    void internalAddressesAreRefusedAndPublicOnesAllowed() throws Exception {
        for (String internal : List.of("127.0.0.1", "127.9.9.9", "::1", "10.0.0.1", "172.16.5.4", "192.168.1.1",
                "100.64.0.1", "100.127.255.254", "169.254.169.254", "fe80::1", "fd00:ec2::254", "fc00::1",
                "0.0.0.0", "::", "224.0.0.251", "ff02::1", "255.255.255.255", "::ffff:10.0.0.1", "::127.0.0.1",
                "64:ff9b::a00:1")) {
            assertThat(AddressPolicy.refusal(InetAddress.getByName(internal))).as(internal).isNotNull();
        }
        for (String open : List.of("93.184.216.34", "8.8.8.8", "100.128.0.1", "172.32.0.1", "2606:4700::1111",
                "64:ff9b::808:808")) {
            assertThat(AddressPolicy.refusal(InetAddress.getByName(open))).as(open).isNull();
        }
    }

    /**
     * DNS rebinding: the name resolves to a public address when the subscription is saved and to loopback when the
     * delivery connects. The save passes; the delivery is refused on the address it would really use, and the
     * receiver listening there sees nothing.
     */
    @Test
    void aNameThatResolvesToLoopbackAtDeliveryTimeIsRefusedThere() throws Exception {
        try (Receiver receiver = new Receiver()) {
            AtomicInteger lookups = new AtomicInteger();
            WebhookResolver rebinding = host -> new InetAddress[]{InetAddress.getByName(
                    lookups.getAndIncrement() == 0 ? "93.184.216.34" : "127.0.0.1")};
            AddressPolicy policy = new AddressPolicy(rebinding, true, false);
            String url = "http://hooks.example.test:" + receiver.port() + "/hook";
            assertThat(policy.urlProblem(url)).isNull();

            try (WebhookSender sender = new WebhookSender(policy, PROPERTIES)) {
                WebhookSender.Outcome outcome = sender.send(url, List.of(WebhookSignature.newSecret()), "msg_1",
                        Instant.now(), "{}");
                assertThat(outcome.success()).isFalse();
                assertThat(outcome.retryable()).isTrue();
                assertThat(outcome.error()).contains("refused").contains("127.0.0.1").contains("loopback");
            }
            assertThat(lookups.get()).isGreaterThanOrEqualTo(2);
            assertThat(receiver.requests).isEmpty();
        }
    }

    @Test
    void withAllowPrivateTheSameReceiverIsReached() throws Exception {
        try (Receiver receiver = new Receiver();
             WebhookSender sender = new WebhookSender(new AddressPolicy(WebhookResolver.SYSTEM, true, true),
                     PROPERTIES)) {
            WebhookSender.Outcome outcome = sender.send(receiver.url(), List.of(WebhookSignature.newSecret()),
                    "msg_2", Instant.now(), "{\"a\":1}");
            assertThat(outcome.success()).as(String.valueOf(outcome.error())).isTrue();
            assertThat(receiver.requests).hasSize(1);
        }
    }

    @Test
    void plainHttpIsRefusedWithoutItsFlagEvenForAStoredUrl() throws Exception {
        try (Receiver receiver = new Receiver();
             WebhookSender sender = new WebhookSender(new AddressPolicy(WebhookResolver.SYSTEM, false, true),
                     PROPERTIES)) {
            WebhookSender.Outcome outcome = sender.send(receiver.url(), List.of(WebhookSignature.newSecret()),
                    "msg_3", Instant.now(), "{}");
            assertThat(outcome.success()).isFalse();
            assertThat(outcome.error()).contains("https");
            assertThat(receiver.requests).isEmpty();
        }
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDateAndCapped() throws Exception {
        try (WebhookSender sender = new WebhookSender(new AddressPolicy(WebhookResolver.SYSTEM, true, true),
                PROPERTIES)) {
            Instant at = Instant.parse("2026-03-01T10:00:00Z");
            assertThat(sender.retryAfter(new BasicHeader("Retry-After", "90"), at)).isEqualTo(Duration.ofSeconds(90));
            assertThat(sender.retryAfter(new BasicHeader("Retry-After", "Sun, 01 Mar 2026 10:02:00 GMT"), at))
                    .isEqualTo(Duration.ofMinutes(2));
            assertThat(sender.retryAfter(new BasicHeader("Retry-After", "Sun, 01 Mar 2026 09:00:00 GMT"), at))
                    .isEqualTo(Duration.ZERO);
            assertThat(sender.retryAfter(new BasicHeader("Retry-After", "99999999"), at))
                    .isEqualTo(Duration.ofHours(10));
            assertThat(sender.retryAfter(new BasicHeader("Retry-After", "soon"), at)).isNull();
            assertThat(sender.retryAfter(null, at)).isNull();
        }
    }
}
