package io.crm.checks.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.crm.checks.Repo;
import io.crm.checks.Shellcheck;
import io.crm.checks.Tools;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** shellcheck on the delivery scripts (e2e and rehearsal), and the e2e script's failure contract. */
class ShellScriptsTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path tmp;

    static List<Path> scripts() throws IOException {
        List<Path> scripts = new ArrayList<>();
        for (String dir : List.of("e2e", "deploy/local")) {
            try (Stream<Path> files = Files.list(Repo.root().resolve(dir))) {
                files.filter(f -> f.toString().endsWith(".sh")).sorted().forEach(scripts::add);
            }
        }
        return scripts;
    }

    private static Tools.Result shellcheck(Path... files) {
        return Shellcheck.run(Repo.root(), files);
    }

    @Test
    void everyScriptPassesShellcheck() throws IOException {
        List<Path> scripts = scripts();
        assertThat(scripts).extracting(p -> p.getFileName().toString())
                .contains("run.sh", "rehearsal.sh", "render-nginx-conf.sh", "verify-acked.sh");
        Tools.Result result = shellcheck(scripts.toArray(Path[]::new));
        assertThat(result.exitCode()).as(result.output()).isZero();
        for (Path script : scripts) {
            assertThat(Files.isExecutable(script)).as(script + " is executable").isTrue();
            assertThat(Files.readString(script)).startsWith("#!/usr/bin/env bash\n").contains("set -");
        }
    }

    @Test
    void shellcheckCatchesAPlantedError() throws IOException {
        Path copy = tmp.resolve("run.sh");
        String original = Files.readString(Repo.root().resolve("e2e/run.sh"));
        Files.writeString(copy, original.replace("BODY=$(cat \"$work/body\")", "BODY=$(cat $work/body)"));
        Tools.Result result = shellcheck(copy);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("SC2086");
    }

    @Test
    void e2eStopsAtTheFirstFailureWithTheSummaryLine() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Tools.Result result = Tools.run(Repo.root(), TIMEOUT, List.of(Tools.require("bash"),
                Repo.root().resolve("e2e/run.sh").toString(), "http://127.0.0.1:" + closedPort));
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("FAIL GET /health is healthy");
        assertThat(result.output().strip().lines().reduce((a, b) -> b)).contains("0 passed, 1 failed");
    }

    @Test
    void verifyAckedFindsALostWrite() throws IOException {
        Path acks = Files.createDirectories(tmp.resolve("acks"));
        Files.writeString(acks.resolve("acked-a-1.txt"), "p-1\np-2\n");
        Files.writeString(acks.resolve("acked-a-2.txt"), "p-3\n");
        Path persons = tmp.resolve("persons.json");
        String script = Repo.root().resolve("deploy/local/verify-acked.sh").toString();

        Files.writeString(persons, "[{\"person_id\":\"p-1\"},{\"person_id\":\"p-2\"},{\"person_id\":\"p-3\"},{\"person_id\":\"x\"}]");
        Tools.Result ok = Tools.run(tmp, TIMEOUT, List.of(Tools.require("bash"), script, acks.toString(), persons.toString()));
        assertThat(ok.exitCode()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("acked=3 missing=0");

        // Planted: p-2 was acknowledged but is not stored.
        Files.writeString(persons, "[{\"person_id\":\"p-1\"},{\"person_id\":\"p-3\"}]");
        Tools.Result lost = Tools.run(tmp, TIMEOUT, List.of(Tools.require("bash"), script, acks.toString(), persons.toString()));
        assertThat(lost.exitCode()).isNotZero();
        assertThat(lost.output()).contains("acked=3 missing=1", "p-2");
    }

    /**
     * e2e/run.sh against a stand-in service with authentication on (its /ready has no "auth" field): without any
     * credentials it stops with exit 2 and says what to give; with an admin password it asks for a token over HTTP
     * Basic with exactly those credentials, and a refusal is a failed check.
     */
    @Test
    void e2eAuthenticatesOverBasicAndRefusesToRunWithoutCredentials() throws IOException {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String body;
            int status;
            switch (path) {
                case "/health" -> { status = 200; body = "{\"status\":\"healthy\",\"service\":\"CRM API\"}"; }
                case "/ready" -> { status = 200; body = "{\"status\":\"ready\",\"database\":\"connected\"}"; }
                default -> {
                    authorizations.add(path + " " + exchange.getRequestHeaders().getFirst("Authorization"));
                    status = 401;
                    body = "{\"status\":401,\"title\":\"Unauthorized\"}";
                }
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            List<String> command = List.of(Tools.require("bash"), Repo.root().resolve("e2e/run.sh").toString(), base);
            Tools.Result none = Tools.run(Repo.root(), TIMEOUT,
                    Map.of("CRM_TOKEN", "", "CRM_ADMIN_PASSWORD", "", "CRM_ADMIN_PASSWORD_FILE", ""), command);
            assertThat(none.exitCode()).as(none.output()).isEqualTo(2);
            assertThat(none.output()).contains("give a token");
            assertThat(none.output().strip().lines().reduce((a, b) -> b)).contains("1 passed, 0 failed");
            assertThat(authorizations).isEmpty();

            Path passwordFile = tmp.resolve("admin-password");
            Files.writeString(passwordFile, "s3cret-Pa55word\n");
            Tools.Result refused = Tools.run(Repo.root(), TIMEOUT, Map.of("CRM_TOKEN", "", "CRM_ADMIN_PASSWORD", "",
                    "CRM_ADMIN_EMAIL", "ops@example.com", "CRM_ADMIN_PASSWORD_FILE", passwordFile.toString()), command);
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.output()).contains("FAIL admin creates an API token over HTTP Basic")
                    .doesNotContain("s3cret-Pa55word");
            assertThat(authorizations).containsExactly("/api/v1/auth/tokens Basic " + Base64.getEncoder()
                    .encodeToString("ops@example.com:s3cret-Pa55word".getBytes(StandardCharsets.UTF_8)));
        } finally {
            server.stop(0);
        }
    }
}
