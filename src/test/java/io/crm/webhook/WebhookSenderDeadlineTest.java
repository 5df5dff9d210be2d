package io.crm.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * One attempt's timeout is for the attempt as a whole: a receiver that answers a byte at a time, each well within the
 * per-read timeout, is cut off at the deadline (before the claim on the delivery could run out and another replica
 * send it again), and the attempt counts as a timeout, to be retried.
 */
class WebhookSenderDeadlineTest {

    private static final WebhookProperties PROPERTIES = new WebhookProperties(true, true, Duration.ofSeconds(1),
            Duration.ofDays(3), 4, 2, List.of(Duration.ofSeconds(5)), Duration.ofSeconds(1), Duration.ofHours(24),
            Duration.ofDays(30));

    /** Counted down when the test is done: the receiver stops trickling (it paces its bytes by waiting on it). */
    private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);

    /** Accepts one connection, reads the request's head, then sends a 200 with a 100-byte body, a byte per 200 ms. */
    private Thread trickle(ServerSocket server) {
        Thread thread = new Thread(() -> {
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[8192];
                String seen = "";
                while (!seen.contains("\r\n\r\n")) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        return;
                    }
                    seen += new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                }
                OutputStream out = socket.getOutputStream();
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                for (int i = 0; i < 100 && !done.await(200, java.util.concurrent.TimeUnit.MILLISECONDS); i++) {
                    out.write('x');
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the sender hung up: what the test expects
            }
        }, "trickling-receiver");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    @Test
    void aReceiverTricklingItsAnswerIsCutOffAtTheAttemptsDeadline() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             WebhookSender sender = new WebhookSender(new AddressPolicy(WebhookResolver.SYSTEM, true, true),
                     PROPERTIES)) {
            trickle(server);
            long started = System.nanoTime();
            WebhookSender.Outcome outcome = sender.send("http://127.0.0.1:" + server.getLocalPort() + "/hook",
                    List.of(WebhookSignature.newSecret()), "msg_1", Instant.now(), "{}");
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(outcome.success()).isFalse();
            assertThat(outcome.retryable()).isTrue();
            assertThat(outcome.error()).startsWith("timeout");
            // 20 s of trickle without the deadline; 1 s with it (and some room for a loaded machine)
            assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(8));
        } finally {
            done.countDown();
        }
    }
}
