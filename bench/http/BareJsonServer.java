import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.file.Files;
import java.nio.file.Path;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The baseline of bench/http-get.sh: a bare Reactor Netty server (the library under Enrich's WebFlux) answering every
 * GET with the same JSON body as Enrich's GET /api/v1/jobs/{id}, with no routing, security, rate limit, serialization
 * or access log. Run as a single-file program with the project's class path:
 * {@code java -cp "$(cat target/bench-classpath.txt)" bench/http/BareJsonServer.java PORT BODY_FILE}.
 */
public class BareJsonServer {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        byte[] body = Files.readAllBytes(Path.of(args[1]));
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(port)
                .handle((request, response) -> response
                        .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(body.length))
                        .sendByteArray(Mono.just(body)))
                .bindNow();
        System.out.println("bare server on port " + server.port());
        server.onDispose().block();
    }
}
