package io.crm.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.crm.support.ApiTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The receiver example in docs/events.md, run as it is printed ({@code java Receiver.java}) against real deliveries:
 * it accepts what the service signs with its secret and refuses what another secret signed.
 */
@TestPropertySource(properties = {"crm.webhooks.allow-private=true", "crm.webhooks.allow-http=true",
        "crm.webhooks.poll-every=50ms"})
class ReceiverExampleTest extends ApiTest {

    private static final Pattern EXAMPLE = Pattern.compile("```java\\n(import com\\.sun\\.net\\.httpserver.*?public "
            + "class Receiver .*?)```", Pattern.DOTALL);

    private Process receiver;

    @org.springframework.beans.factory.annotation.Value("${local.management.port}")
    int managementPort;

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.destroyForcibly();
        }
    }

    @Test
    void theDocumentedReceiverAcceptsSignedDeliveriesAndRefusesOthers(@TempDir Path dir) throws Exception {
        Matcher example = EXAMPLE.matcher(Files.readString(Path.of("docs/events.md")));
        assertThat(example.find()).as("docs/events.md has the Java receiver example").isTrue();
        Files.writeString(dir.resolve("Receiver.java"), example.group(1));
        int port = freePort();
        String url = "http://127.0.0.1:" + port + "/hooks/crm";
        JsonNode signedForIt = subscribe(url);
        JsonNode signedOtherwise = subscribe(url);

        ProcessBuilder run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "Receiver.java").directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("receiver.log").toFile());
        run.environment().put("WEBHOOK_SECRET", signedForIt.get("secret").asString());
        run.environment().put("PORT", Integer.toString(port));
        receiver = run.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> listening(port));

        ping(signedForIt);
        ping(signedOtherwise);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(lastDelivery(signedForIt).get("status").asString()).isEqualTo("succeeded");
            assertThat(lastDelivery(signedOtherwise).get("status").asString()).isEqualTo("failed");
        });
        assertThat(lastDelivery(signedForIt).get("lastResponseCode").asInt()).isEqualTo(204);
        assertThat(lastDelivery(signedOtherwise).get("lastResponseCode").asInt()).isEqualTo(401);
        // a timestamp that is no number is refused like any other bad request, not a dropped connection
        java.net.http.HttpResponse<String> forged = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).header("webhook-id", "msg_1")
                        .header("webhook-timestamp", "soon").header("webhook-signature", "v1,AAAA")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(401);
        // and the attempts are counted by outcome, with their latency
        String metrics = new io.crm.support.Http("http://127.0.0.1:" + managementPort).get("/metrics").body();
        assertThat(metrics).containsPattern("crm_webhooks_attempts_seconds_count\\{[^}]*outcome=\"success\"")
                .containsPattern("crm_webhooks_attempts_seconds_count\\{[^}]*outcome=\"failed\"");
    }

    private JsonNode subscribe(String url) {
        return http.post("/api/v1/webhooks", Map.of("url", url, "events", List.of("*"))).json();
    }

    private void ping(JsonNode subscription) {
        assertThat(http.post("/api/v1/webhooks/" + subscription.get("id").asString() + "/test", Map.of()).status())
                .isEqualTo(202);
    }

    private JsonNode lastDelivery(JsonNode subscription) {
        JsonNode items = http.get("/api/v1/webhooks/" + subscription.get("id").asString() + "/deliveries").json()
                .get("items");
        assertThat(items.size()).isPositive();
        return items.get(0);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
