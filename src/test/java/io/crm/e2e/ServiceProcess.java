package io.crm.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.crm.support.Http;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** The packaged service started as a real process, as an operator would run it (also used by io.crm.browser). */
public final class ServiceProcess implements AutoCloseable {

    private static final Path JAVA_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The first admin's email the tests configure (CRM_ADMIN_EMAIL). */
    static final String ADMIN_EMAIL = "e2e-admin@crm.test";

    public final int port;
    final int managementPort;
    final Path log;
    private final Process process;

    private ServiceProcess(Process process, int port, int managementPort, Path log) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
    }

    /** Starts the jar (on Java 25 when the machine has it, as in the container) and waits until /ready is 200. */
    public static ServiceProcess start(Path dataDir, Map<String, String> env) throws IOException {
        return start(dataDir, env, Duration.ofSeconds(90));
    }

    /** {@link #start(Path, Map)} for a start that does more than usual (seeding demo data) before it is ready. */
    public static ServiceProcess start(Path dataDir, Map<String, String> env, Duration readyWithin)
            throws IOException {
        return start(dataDir, env, readyWithin, List.of());
    }

    /** {@link #start(Path, Map, Duration)} with program arguments (e.g. {@code --restore FILE}). */
    static ServiceProcess start(Path dataDir, Map<String, String> env, Duration readyWithin, List<String> args)
            throws IOException {
        String jar = System.getProperty("crm.jar");
        if (jar == null || !Files.exists(Path.of(jar))) {
            throw new IllegalStateException("packaged jar not found (" + jar + "): run through `./mvnw verify`");
        }
        int port = freePort();
        int managementPort = freePort();
        Path log = Files.createTempFile("crm-e2e", ".log");
        List<String> command = new ArrayList<>(List.of(java()));
        if (command.get(0).equals(JAVA_25.toString())) {
            // as the image does: the embedded store's socket library may use native access and Unsafe on Java 25
            command.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
        }
        command.addAll(List.of("-jar", jar));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("MONGODB_URI");
        builder.environment().remove("MONGO_URI");
        // Only what the test names: no admin or auth settings leak in from the caller's environment.
        builder.environment().keySet().removeIf(name -> name.startsWith("CRM_"));
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().put("MANAGEMENT_PORT", Integer.toString(managementPort));
        builder.environment().put("CRM_DATA_DIR", dataDir.toString());
        builder.environment().putAll(env);
        ServiceProcess service = new ServiceProcess(builder.start(), port, managementPort, log);
        try {
            service.awaitReady(readyWithin);
        } catch (IOException | RuntimeException | Error notReady) {
            // the caller never gets the process to close: it would run on after the test
            service.close();
            throw notReady;
        }
        return service;
    }

    /** The jar run with these arguments to its end, as a one-off command that is expected to stop by itself. */
    static Finished run(Map<String, String> env, Duration within, String... args)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("crm-e2e-command", ".log");
        Process process = command(env, ProcessBuilder.Redirect.to(log.toFile()), args);
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", args) + " still running after " + within + ":\n"
                    + Files.readString(log));
        }
        return new Finished(process.exitValue(), Files.readString(log));
    }

    record Finished(int exitCode, String output) {
    }

    /**
     * The jar started in one of its command-line modes (e.g. {@code --import}) with only {@code env} of the
     * service's settings, its output (stderr merged) sent to {@code output}; for a test that kills it midway.
     */
    static Process command(Map<String, String> env, ProcessBuilder.Redirect output, String... args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(java(), "-jar", System.getProperty("crm.jar")));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output);
        builder.environment().keySet().removeIf(name -> name.startsWith("CRM_") || name.startsWith("MONGO"));
        builder.environment().putAll(env);
        return builder.start();
    }

    /** A random password for a test run (never a constant, so a leak into the log cannot pass unnoticed). */
    static String randomPassword() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return "pw-" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The environment of an instance whose first admin is {@link #ADMIN_EMAIL} with this password, plus {@code more}. */
    static Map<String, String> withAdmin(String password, Map<String, String> more) {
        Map<String, String> env = new HashMap<>(more);
        env.put("CRM_ADMIN_EMAIL", ADMIN_EMAIL);
        env.put("CRM_ADMIN_PASSWORD", password);
        return env;
    }

    /** An anonymous client (no credentials). */
    public Http http() {
        return new Http("http://127.0.0.1:" + port);
    }

    /** A new API token made over HTTP Basic, as an operator's script does; fails unless the service answers 201. */
    String token(String email, String password) {
        // the first admin's token does admin work too: it asks for the admin scope (not in the default)
        Map<String, Object> body = ADMIN_EMAIL.equals(email)
                ? Map.of("name", "e2e", "expiresInDays", 1, "scopes", java.util.List.of("read", "write", "admin"))
                : Map.of("name", "e2e", "expiresInDays", 1);
        Http.Response created = http().post("/api/v1/auth/tokens", body, "Authorization", basic(email, password));
        if (created.status() != 201) {
            throw new AssertionError("POST /api/v1/auth/tokens as " + email + " -> " + created);
        }
        return created.json().get("token").asString();
    }

    /** A client sending a fresh Bearer token of the admin with this password. */
    Http api(String password) {
        return http().withToken(token(ADMIN_EMAIL, password));
    }

    static String basic(String email, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((email + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    long pid() {
        return process.pid();
    }

    /** Sends SIGTERM (as Kubernetes and docker stop do) and returns the exit code. */
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("service did not stop within " + timeout);
        }
        return process.exitValue();
    }

    /** SIGKILL ({@code kill -9}): no shutdown hook, no flush, nothing of the process runs any more. */
    void kill(Duration timeout) throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("service not gone " + timeout + " after SIGKILL");
        }
    }

    public String logText() throws IOException {
        return Files.readString(log);
    }

    private void awaitReady(Duration timeout) throws IOException {
        try {
            Awaitility.await("service ready").atMost(timeout).pollInterval(Duration.ofMillis(200))
                    .pollInSameThread().until(() -> !process.isAlive() || ready());
        } catch (ConditionTimeoutException notReady) {
            throw new AssertionError("service not ready within " + timeout + ":\n" + logText());
        }
        if (!process.isAlive()) {
            throw new AssertionError("service exited with " + process.exitValue() + ":\n" + logText());
        }
    }

    private boolean ready() {
        try {
            return http().get("/ready").status() == 200;
        } catch (IllegalStateException notYetListening) {
            return false;
        }
    }

    /** Whether the service's port takes new connections (it stops when a graceful shutdown begins). */
    boolean accepting() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    /** The java the service runs on (also for the jar's command-line modes, e.g. --export). */
    static String java() {
        String override = System.getenv("CRM_E2E_JAVA");
        if (override != null && !override.isBlank()) {
            return override;
        }
        return Files.isExecutable(JAVA_25) ? JAVA_25.toString()
                : Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
