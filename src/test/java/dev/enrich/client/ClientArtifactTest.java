package dev.enrich.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.testing.TestAuthAutoConfiguration;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The SDK as its own artifact: {@code client/pom.xml} is built with Maven, and the README's example
 * ({@code client/example/EnrichExample.java}) is compiled with javax.tools and run in a JVM of its own against the
 * service started here, with nothing on its classpath but the SDK's jar and the dependencies that pom declares: none
 * of the server's (Spring Boot, Redis, security, stages), and each in the version the server is tested with.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "enrich.media.dir=${java.io.tmpdir}/enrich-sdk-example-media")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ClientArtifactTest {

    private static final Path EXAMPLE = Path.of("client/example/EnrichExample.java");
    /** Artifacts of the server that a program using the SDK must not get. */
    private static final List<String> SERVER_ONLY = List.of("spring-boot", "spring-security", "spring-data",
            "lettuce", "resilience4j", "jcodec", "micrometer-core", "micrometer-registry", "caffeine", "jmustache",
            "tomcat", "jakarta.validation",
            "hibernate-validator", "reactor-extra");

    @LocalServerPort
    int port;

    @TempDir
    Path dir;

    @Test
    void theReadmeExampleRunsWithOnlyTheSdkAndItsDeclaredDependencies() throws Exception {
        List<Path> classpath = buildClient();
        List<String> jars = classpath.stream().map(p -> p.getFileName().toString()).toList();
        assertThat(jars).anyMatch(n -> n.startsWith("enrich-client-")).anyMatch(n -> n.startsWith("spring-webflux-"))
                .anyMatch(n -> n.startsWith("reactor-netty-http-")).anyMatch(n -> n.startsWith("jackson-databind-"));
        assertThat(jars).as("server-only dependencies").noneMatch(n -> SERVER_ONLY.stream().anyMatch(n::startsWith));
        assertSameVersionsAsTheServer(classpath);

        Path classes = Files.createDirectories(dir.resolve("example"));
        String path = classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int compiled = javac.run(null, null, null, "--release", "17", "-classpath", path, "-d", classes.toString(),
                EXAMPLE.toString());
        assertThat(compiled).as("javac exit code").isZero();

        Path out = dir.resolve("example.log");
        ProcessBuilder run = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classes + File.pathSeparator + path, "EnrichExample", "http://127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(out.toFile());
        run.environment().put("ENRICH_API_KEY", TestAuthAutoConfiguration.KEY);
        Process example = run.start();
        assertThat(example.waitFor(3, TimeUnit.MINUTES)).as("the example ended").isTrue();
        String printed = Files.readString(out);
        assertThat(example.exitValue()).as("exit code; it printed:\n%s", printed).isZero();
        assertThat(printed).contains("Job completed: Session enriched.").contains("Title: ");

        System.out.println("The example printed:\n" + printed);
        assertTheReadmeShowsTheExample();
    }

    /** Build the SDK's jar and list its runtime classpath with Maven (offline first, as the build itself ran). */
    private List<Path> buildClient() throws IOException, InterruptedException {
        Path list = dir.resolve("classpath.txt");
        Path log = dir.resolve("maven.log");
        List<String> command = new ArrayList<>(List.of(Path.of("mvnw").toAbsolutePath().toString(), "-B", "-ntp",
                "-f", "client/pom.xml", "package", "dependency:build-classpath",
                "-Dmdep.outputFile=" + list, "-Dmdep.includeScope=runtime"));
        if (maven(withOffline(command), log) != 0) {
            assertThat(maven(command, log)).as("mvn -f client/pom.xml; its log:\n%s", tail(log)).isZero();
        }
        List<Path> classpath = new ArrayList<>();
        classpath.add(Path.of("client/target/enrich-client-0.1.0-SNAPSHOT.jar").toAbsolutePath());
        Arrays.stream(Files.readString(list).trim().split(File.pathSeparator)).map(Path::of).forEach(classpath::add);
        return classpath;
    }

    private static List<String> withOffline(List<String> command) {
        List<String> offline = new ArrayList<>(command);
        offline.add(1, "-o");
        return offline;
    }

    private static int maven(List<String> command, Path log) throws IOException, InterruptedException {
        Process maven = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!maven.waitFor(5, TimeUnit.MINUTES)) {
            maven.destroyForcibly();
            return -1;
        }
        return maven.exitValue();
    }

    /**
     * Each jar the SDK brings that the server's tests also use is the very same version. Artifacts are told apart by
     * their folder in the local repository (group and name), so Jackson 2's jackson-databind (springdoc's) is not
     * taken for Jackson 3's.
     */
    private static void assertSameVersionsAsTheServer(List<Path> jars) {
        Map<String, String> server = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of).filter(p -> p.getFileName().toString().endsWith(".jar"))
                .collect(Collectors.toMap(ClientArtifactTest::artifactDir, ClientArtifactTest::version,
                        (a, b) -> a));
        for (Path jar : jars) {
            String name = jar.getFileName().toString();
            String same = server.get(artifactDir(jar));
            if (same != null && !name.startsWith("enrich-client-")) {
                assertThat(version(jar)).as("the SDK's %s against the server's", artifact(name)).isEqualTo(same);
            }
        }
    }

    private static String version(Path jar) {
        Path versionDir = jar.toAbsolutePath().getParent();
        return versionDir == null ? "" : versionDir.getFileName().toString();
    }

    // <repository>/<group path>/<artifact>/<version>/<file>: the artifact's folder names group and artifact.
    private static String artifactDir(Path jar) {
        Path absolute = jar.toAbsolutePath();
        Path versionDir = absolute.getParent();
        return versionDir != null && versionDir.getParent() != null ? versionDir.getParent().toString()
                : absolute.toString();
    }

    private static String artifact(String jar) {
        return jar.replaceFirst("-\\d[^-]*(-[A-Za-z]+)?(\\.[A-Za-z0-9]+)*\\.jar$", "").replaceFirst("\\.jar$", "");
    }

    /** The README shows the example that ran, verbatim. */
    private static void assertTheReadmeShowsTheExample() throws IOException {
        String example = Files.readString(EXAMPLE, StandardCharsets.UTF_8);
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        assertThat(readme).as("the README's SDK example is client/example/EnrichExample.java").contains(example.strip());
    }

    private static String tail(Path log) throws IOException {
        String text = Files.exists(log) ? Files.readString(log) : "";
        return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    }
}
