import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.server.HttpServer;

/**
 * The bare Reactor Netty SSE broadcaster (the machine's limit for bench/sse-deliveries.sh): one
 * {@code Sinks.many().multicast().directBestEffort()} whose frames every {@code GET /events} connection sends, as
 * byte arrays shared by all, wrapped (no copy) into Netty buffers. A stream opens with {@code retry:3000} and the
 * comment {@code :stream open}. {@code POST /publish?rate=&seconds=} emits events from one thread, paced at
 * {@code rate} a second for {@code seconds}; each event is an {@code id:}, {@code event:stage}, {@code data:} frame of
 * the same size and shape as an Enrich stage event, with its publication time as {@code at}. No security, no event
 * log, no replay: a subscriber without demand misses the event (best effort). Run as a single-file program with the
 * Enrich class path: {@code java -cp <classpath> bench/sse-netty/NettyBroadcaster.java <port>}.
 */
public class NettyBroadcaster {

    private static final byte[] OPEN = "retry:3000\n:stream open\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final Sinks.Many<byte[]> SINK = Sinks.many().multicast().directBestEffort();

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        HttpServer.create().host("127.0.0.1").port(port)
                .route(routes -> routes
                        .get("/events", (request, response) -> response
                                .header("Content-Type", "text/event-stream")
                                .header("Cache-Control", "no-cache")
                                .sendObject(Flux.just(OPEN).concatWith(SINK.asFlux()).map(Unpooled::wrappedBuffer)))
                        .post("/publish", (request, response) -> {
                            var query = new io.netty.handler.codec.http.QueryStringDecoder(request.uri());
                            int rate = Integer.parseInt(query.parameters().get("rate").get(0));
                            double seconds = Double.parseDouble(query.parameters().get("seconds").get(0));
                            dev.enrich.bench.Pacer.start(rate, seconds, i -> publish());
                            return response.sendString(Mono.just("ok\n"));
                        }))
                .bindNow().onDispose().block();
    }

    private static long seq;

    private static void publish() {
        long id = ++seq;
        String frame = "id:" + id + "\nevent:stage\ndata:{\"type\":\"stage\",\"seq\":" + id + ",\"jobSeq\":" + id
                + ",\"jobId\":\"bench-" + (id % 100) + "\",\"state\":\"running\",\"progress\":0.5,"
                + "\"message\":\"Listening to the audio.\",\"stage\":\"audio\",\"stageState\":\"running\","
                + "\"stageProgress\":0.5,\"detail\":{\"etaText\":\"~1 minute remaining\"},\"at\":\""
                + Instant.now() + "\"}\n\n";
        SINK.tryEmitNext(frame.getBytes(StandardCharsets.UTF_8));
    }
}
