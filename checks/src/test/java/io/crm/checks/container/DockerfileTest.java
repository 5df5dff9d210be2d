package io.crm.checks.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.crm.checks.Repo;
import io.crm.checks.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The image definition: two linters (hadolint is not obtainable here) and what the image promises (DockerfileFacts). */
class DockerfileTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path tmp;

    private static String dockerfile() throws IOException {
        return Files.readString(Repo.root().resolve("Dockerfile"));
    }

    private Path planted(String from, String to) throws IOException {
        String text = dockerfile();
        assertThat(text).as("plant target present").contains(from);
        Path copy = tmp.resolve("Dockerfile");
        Files.writeString(copy, text.replace(from, to));
        return copy;
    }

    private static Tools.Result dockerfileUtils(Path file) {
        String tool = Tools.require(Repo.root().resolve("checks/node_modules/.bin/dockerfile-utils").toString());
        return Tools.run(Repo.root(), TIMEOUT, tool, "lint", file.toString());
    }

    private static Tools.Result dockerfilelint(Path file) {
        String tool = Tools.require(Repo.root().resolve("checks/node_modules/.bin/dockerfilelint").toString());
        return Tools.run(Repo.root(), TIMEOUT, tool, "-j", file.toString());
    }

    @Test
    void dockerfileUtilsFindsNothing() {
        Tools.Result result = dockerfileUtils(Repo.root().resolve("Dockerfile"));
        assertThat(result.output()).as("dockerfile-utils lint output").isBlank();
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void dockerfileUtilsCatchesAPlantedError() throws IOException {
        Tools.Result result = dockerfileUtils(planted("\nHEALTHCHECK ", "\nHEALTHCHEK "));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("HEALTHCHEK");
    }

    @Test
    void dockerfilelintFindsNothing() {
        Tools.Result result = dockerfilelint(Repo.root().resolve("Dockerfile"));
        assertThat(result.output()).contains("\"totalIssues\":0");
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void dockerfilelintCatchesAPlantedError() throws IOException {
        Tools.Result result = dockerfilelint(planted("FROM eclipse-temurin:25.0.3_9-jre-noble", "FROM eclipse-temurin"));
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("Base Image Missing Tag");
    }

    @Test
    void theDockerfileKeepsEveryPromise() throws IOException {
        assertThat(DockerfileFacts.violations(dockerfile())).isEmpty();
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(delimiter = '|', value = {
        "USER 10001:10001|USER appuser|numeric non-root 10001",
        "ENTRYPOINT [\"java\", \"-XX:AOTCache=/app/app.aot\", \"-jar\", \"/app/app.jar\"]|ENTRYPOINT java -XX:AOTCache=/app/app.aot -jar /app/app.jar|exec form",
        "ENTRYPOINT [\"java\", \"-XX:AOTCache=/app/app.aot\", \"-jar\", \"/app/app.jar\"]|ENTRYPOINT [\"java\", \"org.springframework.boot.loader.launch.JarLauncher\"]|as the training run does",
        "HEALTHCHECK --interval|# HEALTHCHECK --interval|HEALTHCHECK",
        "EXPOSE 5000 8081|EXPOSE 8081|EXPOSE 5000",
        "org.opencontainers.image.revision=|org.example.revision=|org.opencontainers.image.revision",
        "FROM eclipse-temurin:25.0.3_9-jre-noble|FROM eclipse-temurin:25.0.3_9-jdk-noble|JRE image",
        "extract --layers --destination|extract --destination|extract --layers",
        "extract --layers --destination|extract --layers --launcher --destination|--launcher",
        "-XX:MaxRAMPercentage=60|-XX:MaxRAMPercentage=75|MaxRAMPercentage",
        "-XX:InitialRAMPercentage=20 |-Xmn4m |InitialRAMPercentage",
        "CRM_LOG_FORMAT=ecs|CRM_LOG_FORMAT=|CRM_LOG_FORMAT=ecs",
        "FROM eclipse-temurin:25.0.3_9-jdk-noble AS build|FROM eclipse-temurin:latest AS build|pinned",
        "io.crm.platform.training.TrainingWorkload|io.crm.platform.training.Nothing|serves no requests",
        "-XX:AOTCacheOutput=/app/app.aot -jar|-XX:AOTCacheOutput=/app/app.aot -Dspring.context.exit=onRefresh -jar|exits when the context has started",
    })
    void eachPromiseIsCheckedOnAPlantedError(String from, String to, String expectedProblem) throws IOException {
        String broken = Files.readString(planted(from, to));
        assertThat(DockerfileFacts.violations(broken)).anySatisfy(p -> assertThat(p).contains(expectedProblem));
    }

    @Test
    void theTrainingRunsWorkloadIsTheApplicationsOwn() throws IOException {
        String source = "src/main/java/" + DockerfileFacts.TRAINING_WORKLOAD.replace('.', '/') + ".java";
        assertThat(Repo.root().resolve(source)).as("the class the training run starts").isRegularFile();
        assertThat(Files.readString(Repo.root().resolve(source))).contains("public static void main(String[] args)");
    }

    @Test
    void singleStageIsRejected() throws IOException {
        String text = dockerfile();
        String singleStage = text.substring(text.indexOf("FROM eclipse-temurin:25.0.3_9-jre-noble"));
        assertThat(DockerfileFacts.violations(singleStage)).anySatisfy(p -> assertThat(p).contains("multi-stage"));
    }

    @Test
    void theBuildContextLeavesSecretsAndBuildOutputOut() throws IOException {
        String ignore = Files.readString(Repo.root().resolve(".dockerignore"));
        // Deny-all first, then only what the Dockerfile copies: .env, target/, .git never reach the daemon.
        assertThat(ignore.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst())
                .contains("*");
        assertThat(ignore).contains("!src/", "!pom.xml", "!mvnw", "!.mvn/").doesNotContain("!.env", "!target");
    }
}
