# tokenwise gateway image. Build:  docker build -t tokenwise .
# Run (embedded mock models):      docker run --rm -p 8080:8080 tokenwise
# Run with a config:               docker run --rm -p 8080:8080 -e OPENAI_API_KEY \
#                                    -v $PWD/tokenwise.yaml:/etc/tokenwise.yaml tokenwise \
#                                    serve --host 0.0.0.0 --port 8080 --config /etc/tokenwise.yaml
# Inside a container the gateway must bind 0.0.0.0 to be reachable; publish the port only where
# clients that may spend your API budget can reach it.

FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY core core
COPY gateway gateway
COPY audit audit
COPY bench bench
COPY cli cli
RUN ./mvnw -B -q -ntp package -DskipTests -pl cli -am

FROM eclipse-temurin:21-jre
RUN useradd --system --home /var/lib/tokenwise --create-home tokenwise
COPY --from=build /src/cli/target/tokenwise.jar /opt/tokenwise/tokenwise.jar
USER tokenwise
WORKDIR /var/lib/tokenwise
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "--add-modules", "jdk.incubator.vector", "-jar", "/opt/tokenwise/tokenwise.jar"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
