package io.crm.checks.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.crm.checks.Repo;
import io.crm.checks.Scratch;
import io.crm.checks.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nginx -t} on the reverse proxy: the compose variant (deploy/nginx/nginx.conf with the shared crm/*.conf)
 * and the rehearsal variant (deploy/local/nginx.conf.template rendered for two loopback upstreams). nginx runs
 * with its own -p prefix and a temporary configuration, never as the system service.
 */
class NginxConfigTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    @TempDir
    Path tmp;

    /**
     * Copies deploy/nginx into tmp and points the compose configuration at that copy. Only what cannot exist
     * outside the container is rewritten: the include paths, the "nginx" user, the pid path and the compose
     * service name "app" (nginx -t resolves upstream host names).
     */
    private Path composeCopy() throws IOException {
        Path source = Repo.root().resolve("deploy/nginx");
        Path target = tmp.resolve("nginx");
        Scratch.copyTree(source, target);
        Path conf = target.resolve("nginx.conf");
        String text = Files.readString(conf);
        for (String expected : List.of("/etc/nginx/crm/", "user nginx;", "/var/run/nginx.pid", "server app:5000")) {
            assertThat(text).as("compose nginx.conf still contains " + expected).contains(expected);
        }
        text = text.replace("/etc/nginx/crm/", target.resolve("crm") + "/")
                .replace("user nginx;", "")
                .replace("/var/run/nginx.pid", tmp.resolve("nginx.pid").toString())
                .replace("server app:5000", "server 127.0.0.1:5000");
        Files.writeString(conf, text);
        Files.createDirectories(tmp.resolve("logs"));
        return conf;
    }

    private Tools.Result nginxTest(Path conf) {
        String nginx = Tools.require("nginx");
        return Tools.run(tmp, TIMEOUT, nginx, "-t", "-p", tmp + "/", "-e", tmp.resolve("error.log").toString(),
                "-c", conf.toString());
    }

    private Path renderRehearsal(String... upstreams) throws IOException {
        List<String> command = new ArrayList<>(List.of(Tools.require("bash"),
                Repo.root().resolve("deploy/local/render-nginx-conf.sh").toString(), tmp.resolve("run").toString(), "18080"));
        command.addAll(List.of(upstreams));
        Tools.Result result = Tools.run(Repo.root(), TIMEOUT, command);
        assertThat(result.exitCode()).as(result.output()).isZero();
        Path conf = tmp.resolve("rehearsal.conf");
        Files.writeString(conf, result.output());
        return conf;
    }

    @Test
    void composeProxyConfigPassesNginxT() throws IOException {
        Tools.Result result = nginxTest(composeCopy());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("syntax is ok").doesNotContain("[warn]");
    }

    @Test
    void nginxTCatchesAPlantedErrorInTheSharedConfig() throws IOException {
        Path conf = composeCopy();
        Path server = conf.resolveSibling("crm/server.conf");
        Scratch.plant(server, "proxy_connect_timeout 2s;", "proxy_connect_timeout 2s");
        Tools.Result result = nginxTest(conf);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("server.conf");
    }

    @Test
    void rehearsalConfigPassesNginxTWithBothUpstreamsAndWithOneDrained() throws IOException {
        Path conf = renderRehearsal("15001", "15002");
        String text = Files.readString(conf);
        assertThat(text).contains("server 127.0.0.1:15001 max_fails=3 fail_timeout=10s;",
                "server 127.0.0.1:15002 max_fails=3 fail_timeout=10s;", "listen 127.0.0.1:18080");
        Tools.Result result = nginxTest(conf);
        assertThat(result.exitCode()).as(result.output()).isZero();

        Path drained = renderRehearsal("15001:down", "15002");
        assertThat(Files.readString(drained)).contains("server 127.0.0.1:15001 down;");
        Tools.Result drainedResult = nginxTest(drained);
        assertThat(drainedResult.exitCode()).as(drainedResult.output()).isZero();
    }

    @Test
    void rehearsalRenderingRejectsABadPortAndNginxTCatchesABrokenTemplate() throws IOException {
        List<String> command = List.of(Tools.require("bash"), Repo.root().resolve("deploy/local/render-nginx-conf.sh").toString(),
                tmp.resolve("run").toString(), "18080", "15001", "not-a-port");
        assertThat(Tools.run(Repo.root(), TIMEOUT, command).exitCode()).isNotZero();

        Path conf = renderRehearsal("15001", "15002");
        Scratch.plant(conf, "worker_connections 1024;", "worker_connections;");
        assertThat(nginxTest(conf).exitCode()).isNotZero();
    }

    /**
     * Proxy behaviour the deployment relies on (passive health, safe retries, keepalive, timeouts, size limit); empty
     * when the shared configuration keeps it all.
     */
    static List<String> proxyViolations(String httpText, String serverText, String upstreamText, String composeText) {
        String httpConf = directives(httpText);
        String serverConf = directives(serverText);
        String upstreamConf = directives(upstreamText);
        String composeConf = directives(composeText);
        List<String> problems = new ArrayList<>();
        check(problems, composeConf.matches("(?s).*server app:5000 [^;]*max_fails=\\d+[^;]*fail_timeout=\\d+s;.*"),
                "passive health (max_fails, fail_timeout) on the upstream");
        check(problems, serverConf.matches("(?s).*\\n\\s*proxy_next_upstream error timeout;.*"),
                "proxy_next_upstream on connection errors and timeouts");
        check(problems, !serverConf.contains("non_idempotent"), "no retry of non-idempotent requests");
        check(problems, upstreamConf.matches("(?s).*\\bkeepalive \\d+;.*") && serverConf.contains("proxy_set_header Connection \"\";")
                && serverConf.contains("proxy_http_version 1.1;"), "keepalive to the upstreams");
        for (String timeout : List.of("proxy_connect_timeout", "proxy_read_timeout", "proxy_send_timeout")) {
            check(problems, serverConf.contains(timeout + " "), timeout);
        }
        check(problems, httpConf.contains("client_max_body_size "), "request size limit");
        check(problems, httpConf.contains("gzip on;") && httpConf.contains("application/json"), "gzip for JSON");
        for (String header : List.of("X-Forwarded-For $proxy_add_x_forwarded_for", "X-Forwarded-Proto $scheme",
                "X-Correlation-ID $crm_correlation_id")) {
            check(problems, serverConf.contains("proxy_set_header " + header + ";"), "forwards " + header);
        }
        check(problems, httpConf.contains("log_format crm_json escape=json"), "JSON access log");
        return problems;
    }

    /** The configuration without comments, so a directive named in a comment does not count. */
    private static String directives(String conf) {
        return conf.replaceAll("(?m)#.*$", "");
    }

    private static void check(List<String> problems, boolean ok, String what) {
        if (!ok) {
            problems.add(what);
        }
    }

    private static String read(String file) throws IOException {
        return Files.readString(Repo.root().resolve(file));
    }

    @Test
    void theProxyKeepsItsPromises() throws IOException {
        assertThat(proxyViolations(read("deploy/nginx/crm/http.conf"), read("deploy/nginx/crm/server.conf"),
                read("deploy/nginx/crm/upstream.conf"), read("deploy/nginx/nginx.conf"))).isEmpty();
    }

    @Test
    void proxyPromisesCatchPlantedErrors() throws IOException {
        String http = read("deploy/nginx/crm/http.conf");
        String server = read("deploy/nginx/crm/server.conf");
        String upstream = read("deploy/nginx/crm/upstream.conf");
        String compose = read("deploy/nginx/nginx.conf");
        assertThat(proxyViolations(http, server.replace("proxy_next_upstream error timeout;",
                "proxy_next_upstream error timeout non_idempotent;"), upstream, compose))
                .contains("proxy_next_upstream on connection errors and timeouts", "no retry of non-idempotent requests");
        assertThat(proxyViolations(http, server, upstream, compose.replace(" max_fails=3", "")))
                .contains("passive health (max_fails, fail_timeout) on the upstream");
        assertThat(proxyViolations(http.replace("gzip on;", "gzip off;"), server, upstream, compose)).contains("gzip for JSON");
        assertThat(proxyViolations(http, server.replace("X-Correlation-ID $crm_correlation_id", "X-Request-ID $request_id"),
                upstream, compose)).contains("forwards X-Correlation-ID $crm_correlation_id");
    }
}
