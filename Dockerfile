# syntax=docker/dockerfile:1.7
# crm-app image. Build: docker build --build-arg REVISION="$(git rev-parse HEAD)" -t crm-app:"$(git rev-parse HEAD)" .
# Stage 1 builds the jar with the Maven wrapper on a full JDK; stage 2 only carries the JRE and the extracted layers.

FROM eclipse-temurin:25.0.3_9-jdk-noble AS build
WORKDIR /workspace
# Wrapper and POM first so the dependency download is cached until the POM changes.
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -ntp dependency:go-offline
COPY src/ src/
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -ntp package -DskipTests \
    && cp target/crm-*.jar app.jar
# Layers ordered by change frequency (dependencies rarely, application code every commit) for small image pulls.
# The extracted form (app.jar plus lib/, started with -jar), not the launcher's: the JVM's AOT cache holds only
# classes of its own class loaders, so with Spring Boot's launcher it covered the JDK and none of the application.
RUN java -Djarmode=tools -jar app.jar extract --layers --destination extracted

FROM eclipse-temurin:25.0.3_9-jre-noble
ARG VERSION=1.0.0 # x-release-please-version
ARG REVISION=unknown
LABEL org.opencontainers.image.title="crm-app" \
      org.opencontainers.image.description="Cloud-native CRM service (drop-in replacement for the Flask CRM API)" \
      org.opencontainers.image.source="https://github.com/crm/crm" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
# Numeric UID/GID so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
RUN groupadd --system --gid 10001 appuser \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin appuser
WORKDIR /app
COPY --from=build --chown=10001:10001 /workspace/extracted/dependencies/ ./
COPY --from=build --chown=10001:10001 /workspace/extracted/spring-boot-loader/ ./
COPY --from=build --chown=10001:10001 /workspace/extracted/snapshot-dependencies/ ./
COPY --from=build --chown=10001:10001 /workspace/extracted/application/ ./
# Only /tmp is writable when the root filesystem is read-only; the embedded store (used when no MONGODB_URI is set)
# therefore keeps its files there. The heap follows the container memory limit (BENCHMARKS.md, "Memory"): at most
# 60 % of it, the rest is for metaspace, code and threads; an initial 20 % because the Serial collector (what a
# container under 1792 MiB gets) sizes its young generation from the initial heap and, started from the AOT cache,
# never resizes it: a tiny young generation promoted garbage into the old one until the whole heap was resident
# (RSS 600 MiB under a 512 MiB limit). Freed native memory (JIT arenas) goes back to the OS every 5 s. Logs are ECS
# JSON here (a log pipeline reads them), plain text when the jar runs in a terminal. The embedded store's Unix socket
# library (jnr/jffi) uses native access and sun.misc.Unsafe: allowed explicitly, so Java 25 prints no warning lines
# (which are not JSON) into the log.
ENV PORT=5000 \
    MANAGEMENT_PORT=8081 \
    CRM_LOG_FORMAT=ecs \
    CRM_DATA_DIR=/tmp/crm-data \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -XX:InitialRAMPercentage=20 -XX:TrimNativeHeapInterval=5000 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
# Java 25 AOT cache (JEP 483/514/515): a training run at build time records the classes loaded and linked and the
# methods' profiles, so the real start skips that work and the first seconds of load are served by compiled code. The
# service serves requests while it trains: TrainingWorkload, a client JVM beside it, signs in as a throwaway first
# admin and sends the API's usual mix for 45 s (it exits 1, failing the build, if any request fails); SIGTERM then
# stops the service and the JVM writes the cache. Measured: docs/operations.md, BENCHMARKS.md. Same JDK, same
# classpath (-jar /app/app.jar) in the training run and at run time, as the cache requires; a mismatch only makes the
# JVM ignore it. The training data directory and password go with this layer.
RUN (umask 077 && head -c 24 /dev/urandom | base64 > /tmp/training-admin) \
    && { CRM_ADMIN_EMAIL=training@crm.local CRM_ADMIN_PASSWORD_FILE=/tmp/training-admin \
         java -XX:AOTCacheOutput=/app/app.aot -jar /app/app.jar & } \
    && service=$! \
    && { java -cp /app/app.jar io.crm.platform.training.TrainingWorkload --email training@crm.local \
           --password-file /tmp/training-admin --seconds 45 || { kill "$service"; exit 1; }; } \
    && kill -TERM "$service" && { wait "$service" || true; } \
    && test -s /app/app.aot \
    && rm -rf /tmp/crm-data /tmp/hsperfdata_root /tmp/training-admin
USER 10001:10001
EXPOSE 5000 8081
# bash's /dev/tcp keeps the check free of curl/wget, which the JRE image need not carry. Six retries give a slow
# start a minute (no --start-period: dockerfilelint 1.8 misparses it; compose.yaml sets start_period itself).
HEALTHCHECK --interval=10s --timeout=3s --retries=6 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT} && printf 'GET /health HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && IFS= read -r -t 3 line <&3 && [[ $line == *' 200 '* ]]"]
# Exec form: java is PID 1 and receives SIGTERM directly for the graceful drain.
ENTRYPOINT ["java", "-XX:AOTCache=/app/app.aot", "-jar", "/app/app.jar"]
