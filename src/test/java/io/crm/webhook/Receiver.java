package io.crm.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpServer;

/**
 * A webhook receiver on loopback (the JDK's HTTP server): records every request and answers as the test says. Its
 * signature check is written from the Standard Webhooks spec, independently of the service's code.
 */
final class Receiver implements AutoCloseable {

    /** One request as received. */
    record Request(String id, String timestamp, String signature, String contentType, String body) {
    }

    /** How to answer: a status and headers; the function may block to play a slow receiver. */
    record Answer(int status, Map<String, String> headers) {
        static Answer of(int status) {
            return new Answer(status, Map.of());
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Answer> answer = r -> Answer.of(200);

    Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                Request request = new Request(exchange.getRequestHeaders().getFirst("webhook-id"),
                        exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                        exchange.getRequestHeaders().getFirst("webhook-signature"),
                        exchange.getRequestHeaders().getFirst("content-type"),
                        new String(in.readAllBytes(), StandardCharsets.UTF_8));
                requests.add(request);
                Answer a = answer.apply(request);
                a.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
                exchange.sendResponseHeaders(a.status(), -1);
            } catch (IOException | RuntimeException e) {
                // the client gave up (a timeout): nothing to answer
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    Receiver answering(Function<Request, Answer> answer) {
        this.answer = answer;
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<String> bodies() {
        return requests.stream().map(Request::body).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    /**
     * The spec's verification: for each space-separated {@code v1,<base64>} entry, compare (in constant time) with
     * base64(HMAC-SHA256(base64-decoded secret after {@code whsec_}, id + "." + timestamp + "." + body)).
     */
    static boolean verifies(String secret, Request request) {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            expected = mac.doFinal((request.id() + "." + request.timestamp() + "." + request.body())
                    .getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
        for (String entry : signatures(request)) {
            if (entry.startsWith("v1,") && MessageDigest.isEqual(expected,
                    Base64.getDecoder().decode(entry.substring(3)))) {
                return true;
            }
        }
        return false;
    }

    static List<String> signatures(Request request) {
        return new ArrayList<>(List.of(request.signature().split(" ")));
    }
}
