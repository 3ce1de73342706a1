package dev.enrich.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.enrich.pipeline.RetryNotices;
import dev.enrich.pipeline.StageName;
import dev.enrich.pipeline.StageResult;
import dev.enrich.pipeline.StageUpdate;
import dev.enrich.testing.Outputs;
import dev.enrich.testing.ScriptedStages;
import dev.enrich.testing.ServiceTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A slow subscriber ({@code limitRate(1)}, 2 ms per event) of a job that publishes 20,000 events as fast as it can
 * (retry notices, which the service never conflates: about 7 MB of frames). The client reads from the connection only
 * as the subscriber asks, so what it holds stays bounded: bytes read off the socket (counted by a handler on the
 * channel) minus what was handed over stays under 1 MB at every step. The service, finding the connection full, lets
 * the stream fall behind, ends it, and the client resumes with a fresh snapshot: the subscriber gets a fraction of
 * the events, in order, ending with the job's end.
 */
@ServiceTest
@Import(BackpressureTest.SmallSendBuffers.class)
@Timeout(180)
class BackpressureTest {

    /**
     * Small kernel send buffers on the service's connections (16 KB, not autotuned to megabytes): what the client
     * does not read then stays in the service, which is where the test can see it, not in the kernel between them.
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class SmallSendBuffers {
        @Bean
        NettyServerCustomizer smallSendBuffers() {
            return server -> server.childOption(ChannelOption.SO_SNDBUF, 16 * 1024);
        }
    }

    private static final int TICKS = 10_000;
    /** Less than any event's frame here (retrying frames are about 370 bytes, snapshots over 1 KB). */
    private static final long FRAME = 200;
    /** Less than a retrying event's frame here (about 370 bytes): what the whole flood would at least have cost. */
    private static final long RETRYING_FRAME = 300;
    /** What the client may hold beyond the events handed over: socket reads, decoder prefetch. */
    private static final long BOUND = 1024 * 1024;

    @LocalServerPort
    int port;

    @Autowired
    ScriptedStages stages;

    @BeforeEach
    void reset() {
        stages.reset();
    }

    @Test
    void aSlowSubscriberKeepsTheClientsBufferBoundedAndGetsTheLatestProgress() {
        Sinks.Empty<Void> go = Sinks.empty();
        // Retry notices: events the service never conflates, so the stream carries all of them.
        stages.script(StageName.SUMMARY, ctx -> go.asMono().thenMany(Flux.deferContextual(context -> {
            RetryNotices notices = RetryNotices.current(context);
            return Flux.interval(Duration.ofMillis(1)).take(TICKS).onBackpressureDrop()
                    .doOnNext(i -> notices.retrying("ai", 2, 3, Duration.ofSeconds(1)))
                    .thenMany(Flux.just(StageUpdate.done(StageResult.succeeded(StageName.SUMMARY,
                            Outputs.of(StageName.SUMMARY)))));
        })));
        EnrichClient direct = Clients.client(port);
        String session = direct.createSession(NewSession.builder("Flood").notes("So many ticks.").build())
                .block().id();
        String job = direct.enrich(session, EnrichOptions.stages(Stage.SUMMARY)).block().id();

        AtomicLong read = new AtomicLong();
        AtomicLong delivered = new AtomicLong();
        AtomicLong peakHeld = new AtomicLong();
        EnrichClient slow = Clients.on(port)
                .httpClient(http -> http.option(ChannelOption.SO_RCVBUF, 16 * 1024)
                        .doOnChannelInit((observer, channel, address) -> channel.pipeline()
                                .addFirst(new ReadCounter(read))))
                .build();

        List<JobEvent> seen = slow.events(job)
                .doOnNext(first -> go.tryEmitEmpty())
                .limitRate(1)
                .concatMap(event -> Mono.delay(Duration.ofMillis(5)).thenReturn(event), 1)
                .doOnNext(event -> {
                    long held = read.get() - delivered.incrementAndGet() * FRAME;
                    peakHeld.accumulateAndGet(held, Math::max);
                })
                .collectList().block(Duration.ofMinutes(2));

        System.out.printf("published %d, handed over %d (%d snapshots), read %d bytes, peak held %d bytes%n",
                seen.get(seen.size() - 1).seq(), seen.size(),
                seen.stream().filter(JobEvent.JobSnapshot.class::isInstance).count(), read.get(), peakHeld.get());
        JobEvent last = seen.get(seen.size() - 1);
        assertThat(last).isInstanceOf(JobEvent.Completed.class);
        assertThat(seen).extracting(JobEvent::seq).isSorted().doesNotHaveDuplicates();
        assertThat(last.seq()).as("events the job published").isGreaterThan(TICKS);
        assertThat((long) seen.size()).as("events handed over").isLessThan(last.seq() / 2);
        assertThat(peakHeld.get()).as("bytes the client held beyond what it handed over, at its peak")
                .isLessThan(BOUND);
        // Had the service sent every event, the client would have read at least last.seq() retrying frames.
        assertThat(read.get()).as("bytes read in all, against the frames published")
                .isLessThan(last.seq() * RETRYING_FRAME / 2);
    }

    /** Count the bytes read off the socket, before any decoding. */
    private static final class ReadCounter extends ChannelInboundHandlerAdapter {

        private final AtomicLong read;

        ReadCounter(AtomicLong read) {
            this.read = read;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf bytes) {
                read.addAndGet(bytes.readableBytes());
            }
            ctx.fireChannelRead(msg);
        }
    }
}
