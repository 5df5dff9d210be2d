package io.crm.checks.container;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the image must promise, read from the Dockerfile's instructions: multi-stage, JRE final stage,
 * numeric non-root user, exec-form entrypoint, health check, port, OCI labels, layered jar extraction, ECS logs.
 * {@link #violations(String)} lists every broken promise; empty means the Dockerfile keeps them all.
 */
final class DockerfileFacts {

    record Instruction(String keyword, String args) {
    }

    private DockerfileFacts() {
    }

    /** Instructions with line continuations joined, comments and parser directives dropped. */
    static List<Instruction> parse(String dockerfile) {
        List<Instruction> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : dockerfile.split("\n", -1)) {
            String line = raw.strip();
            if (current.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (!current.isEmpty() && line.startsWith("#")) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            current.append(line);
            String text = current.toString().strip();
            current.setLength(0);
            int space = text.indexOf(' ');
            String keyword = (space < 0 ? text : text.substring(0, space)).toUpperCase(Locale.ROOT);
            String args = space < 0 ? "" : text.substring(space + 1).strip();
            result.add(new Instruction(keyword, args));
        }
        return result;
    }

    /** The AOT cache's training run: the file it writes and the jar it starts. */
    private static final Pattern AOT_TRAINING = Pattern.compile("-XX:AOTCacheOutput=(\\S+).*?-jar\\s+(\\S+)");
    /** The client that sends the training run its requests (src/main, io.crm.platform.training). */
    static final String TRAINING_WORKLOAD = "io.crm.platform.training.TrainingWorkload";

    static List<String> violations(String dockerfile) {
        List<Instruction> all = parse(dockerfile);
        List<String> problems = new ArrayList<>();
        List<Integer> froms = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).keyword().equals("FROM")) {
                froms.add(i);
            }
        }
        if (froms.size() < 2) {
            problems.add("not multi-stage: expected a build stage and a runtime stage, found " + froms.size() + " FROM");
            return problems;
        }
        List<Instruction> build = all.subList(froms.get(0), froms.get(froms.size() - 1));
        List<Instruction> runtime = all.subList(froms.get(froms.size() - 1), all.size());

        String buildImage = all.get(froms.get(0)).args();
        if (!buildImage.matches("eclipse-temurin:25[.0-9_]*-jdk\\S*\\s+AS\\s+\\S+")) {
            problems.add("build stage should be a pinned Temurin 25 JDK image named with AS: " + buildImage);
        }
        String runtimeImage = runtime.get(0).args();
        if (!runtimeImage.matches("eclipse-temurin:25\\.[0-9]+\\.[0-9]+[_0-9]*-jre\\S*")) {
            problems.add("runtime stage should be a pinned Temurin 25 JRE image: " + runtimeImage);
        }
        if (build.stream().noneMatch(i -> i.keyword().equals("RUN") && i.args().contains("./mvnw"))) {
            problems.add("build stage does not build with the Maven wrapper");
        }
        Pattern extract = Pattern.compile("-Djarmode=tools\\b.*\\bextract\\b.*--layers");
        if (build.stream().noneMatch(i -> i.keyword().equals("RUN") && extract.matcher(i.args()).find())) {
            problems.add("build stage does not extract the jar with -Djarmode=tools extract --layers");
        }
        // the AOT cache holds only classes of the JVM's own class loaders: the launcher's would leave the
        // application out of it (Spring Boot's "AOT cache" docs: the extracted form, started with -jar)
        if (build.stream().anyMatch(i -> i.keyword().equals("RUN") && extract.matcher(i.args()).find()
                && i.args().contains("--launcher"))) {
            problems.add("build stage extracts with --launcher: the AOT cache would not hold the application's "
                    + "classes; extract without it and start with -jar");
        }
        for (Instruction i : runtime) {
            if (i.keyword().equals("RUN") && (i.args().contains("mvnw") || i.args().contains("mvn "))) {
                problems.add("runtime stage runs a build tool: " + i.args());
            }
            if (i.keyword().equals("COPY") && !i.args().contains("--from=")) {
                problems.add("runtime stage copies from the build context instead of the build stage: " + i.args());
            }
        }
        if (runtime.stream().noneMatch(i -> i.keyword().equals("COPY") && i.args().contains("--from=")
                && i.args().contains("application/"))) {
            problems.add("runtime stage does not copy the extracted application layer");
        }

        List<Instruction> users = runtime.stream().filter(i -> i.keyword().equals("USER")).toList();
        if (users.isEmpty() || !users.get(users.size() - 1).args().matches("10001(:10001)?")) {
            problems.add("final USER must be the numeric non-root 10001: "
                    + (users.isEmpty() ? "none" : users.get(users.size() - 1).args()));
        }
        if (runtime.stream().noneMatch(i -> i.keyword().equals("RUN") && i.args().contains("--uid 10001")
                && i.args().contains("appuser"))) {
            problems.add("runtime stage does not create user appuser with uid 10001");
        }
        List<Instruction> entrypoints = runtime.stream().filter(i -> i.keyword().equals("ENTRYPOINT")).toList();
        if (entrypoints.isEmpty() || !entrypoints.get(entrypoints.size() - 1).args().matches("\\[\\s*\"java\".*\\]")) {
            problems.add("ENTRYPOINT must be exec form starting java (PID 1 gets SIGTERM): "
                    + (entrypoints.isEmpty() ? "none" : entrypoints.get(entrypoints.size() - 1).args()));
        }
        // The cache is used only with the classpath it was made with: the training run and the entrypoint start the
        // same extracted jar, and the entrypoint reads the file the training run wrote.
        String trainingRun = runtime.stream().filter(i -> i.keyword().equals("RUN"))
                .map(Instruction::args).filter(args -> AOT_TRAINING.matcher(args).find()).findFirst().orElse(null);
        Matcher training = trainingRun == null ? null : AOT_TRAINING.matcher(trainingRun);
        if (training != null) {
            training.find();
            // the cache keeps the profiles of what the training run executed: a run that only starts the context
            // profiles the start, and the pods' JIT learns the request path under load all over again
            if (!trainingRun.contains(TRAINING_WORKLOAD)) {
                problems.add("the AOT training run serves no requests: run " + TRAINING_WORKLOAD + " beside it");
            }
            if (trainingRun.contains("spring.context.exit")) {
                problems.add("the AOT training run exits when the context has started (spring.context.exit), "
                        + "before serving requests");
            }
        }
        String entrypoint = entrypoints.isEmpty() ? "" : entrypoints.get(entrypoints.size() - 1).args();
        if (training == null) {
            problems.add("runtime stage makes no AOT cache training run (-XX:AOTCacheOutput=... -jar JAR)");
        } else if (!entrypoint.contains("\"-XX:AOTCache=" + training.group(1) + "\"")
                || !entrypoint.contains("\"-jar\", \"" + training.group(2) + "\"")) {
            problems.add("ENTRYPOINT must start " + training.group(2) + " with -XX:AOTCache=" + training.group(1)
                    + ", as the training run does: " + entrypoint);
        }
        List<Instruction> checks = runtime.stream().filter(i -> i.keyword().equals("HEALTHCHECK")).toList();
        if (checks.isEmpty() || !checks.get(0).args().contains("/health") || checks.get(0).args().startsWith("NONE")) {
            problems.add("HEALTHCHECK against /health missing");
        }
        if (runtime.stream().noneMatch(i -> i.keyword().equals("EXPOSE") && List.of(i.args().split("\\s+")).contains("5000"))) {
            problems.add("EXPOSE 5000 missing");
        }
        String labels = String.join(" ", runtime.stream().filter(i -> i.keyword().equals("LABEL")).map(Instruction::args).toList());
        for (String label : List.of("org.opencontainers.image.source", "org.opencontainers.image.revision",
                "org.opencontainers.image.version")) {
            if (!labels.contains(label + "=")) {
                problems.add("OCI label " + label + " missing");
            }
        }
        String env = String.join(" ", runtime.stream().filter(i -> i.keyword().equals("ENV")).map(Instruction::args).toList());
        // The heap bounds measured in BENCHMARKS.md: a maximum that leaves room for non-heap memory, and an initial
        // heap so the Serial collector's young generation is not left tiny (the whole heap became resident).
        if (!env.contains("-XX:MaxRAMPercentage=60")) {
            problems.add("JAVA_TOOL_OPTIONS with -XX:MaxRAMPercentage=60 missing");
        }
        if (!env.contains("-XX:InitialRAMPercentage=20")) {
            problems.add("JAVA_TOOL_OPTIONS with -XX:InitialRAMPercentage=20 missing");
        }
        // The service logs plain text unless told otherwise; a container's log is read by a pipeline, not a person.
        if (!env.matches("(?s).*\\bCRM_LOG_FORMAT=ecs\\b.*")) {
            problems.add("ENV CRM_LOG_FORMAT=ecs missing (structured logs in the container)");
        }
        for (Instruction i : all) {
            if (i.keyword().equals("FROM") && (i.args().contains(":latest") || !i.args().split("\\s+")[0].contains(":"))) {
                problems.add("base image not pinned to a version: " + i.args());
            }
            if (i.keyword().equals("ADD")) {
                problems.add("ADD used (COPY is explicit, ADD can fetch URLs): " + i.args());
            }
        }
        return problems;
    }
}
