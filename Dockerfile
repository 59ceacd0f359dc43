# The operator image: the shaded jar on a distroless Java 17 runtime (no shell, no package
# manager), running as an unprivileged user. Build from the repository root:
#   docker build -t ghcr.io/emailgistics/webhooks-operator:0.1.0 .
# For reproducible builds pin both base images by digest (FROM image@sha256:...) in your registry.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -q -DskipTests -pl operator -am package

FROM gcr.io/distroless/java17-debian12:nonroot
COPY --from=build /src/operator/target/emailgistics-webhooks-operator.jar /app/emailgistics-webhooks-operator.jar
# The Helm chart runs the pod as 10001 with a read-only root filesystem and an emptyDir on /tmp.
USER 10001:10001
EXPOSE 8080 8081
ENTRYPOINT ["/usr/bin/java", "-XX:MaxRAMPercentage=75.0", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/emailgistics-webhooks-operator.jar"]
