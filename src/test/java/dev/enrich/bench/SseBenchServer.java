package dev.enrich.bench;

import dev.enrich.EnrichApplication;
import dev.enrich.events.EventPublisher;
import dev.enrich.events.EventType;
import dev.enrich.events.JobEvent;
import dev.enrich.job.JobState;
import dev.enrich.pipeline.StageState;
import java.time.Clock;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Start Enrich (arguments as for the application) with one bench-only route, for {@code bench/sse-deliveries.sh}:
 * {@code POST /bench/publish?rate=&seconds=} publishes {@code stage} events of 100 made-up jobs of the tenant
 * {@code bench} through the real {@link EventPublisher}: each is appended to its job's stream and to the tenant's
 * user stream, and the user stream's fan-out delivers it to every {@code /api/v1/events} subscriber of the tenant,
 * through the same controller and route as any stream. Publishing runs on a thread of its own, paced at {@code rate}
 * a second for {@code seconds} ({@link Pacer}). This class lives in the test sources: the route is not in the service's jar.
 */
public final class SseBenchServer {

    private SseBenchServer() {}

    /** Run the service with the publishing route. */
    public static void main(String[] args) {
        new SpringApplicationBuilder(EnrichApplication.class, PublishRoute.class).run(args);
    }

    /** The bench-only publishing route. */
    @TestConfiguration(proxyBeanMethods = false)
    static class PublishRoute {

        @Bean
        RouterFunction<ServerResponse> benchPublishRoute(EventPublisher events, Clock clock) {
            return RouterFunctions.route(RequestPredicates.POST("/bench/publish"), request -> {
                int rate = Integer.parseInt(request.queryParam("rate").orElse("20"));
                double seconds = Double.parseDouble(request.queryParam("seconds").orElse("5"));
                Pacer.start(rate, seconds, i -> events.publish(new JobEvent(EventType.STAGE, 0, 0,
                        "bench-" + (i % 100), null, "bench", JobState.RUNNING, 0.5, null, "Listening to the audio.",
                        "audio", StageState.RUNNING, 0.5, new JobEvent.EtaDetail("~1 minute remaining"),
                        clock.instant())).block());
                return ServerResponse.ok().bodyValue("ok\n");
            });
        }
    }
}
