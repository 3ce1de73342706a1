package bench.sse;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The SseEmitter baseline: {@code GET /events} holds an emitter (no timeout) that opens with the comment
 * {@code :stream open}; {@code POST /publish?rate=&seconds=} broadcasts events to every emitter from one thread, as the
 * usual "for each emitter: send" pattern does, paced at {@code rate} a second for {@code seconds} (an event that comes
 * due while the previous broadcast still runs is sent as soon as it ends; none is sent after the deadline). Each
 * event's data is the same size and shape as an Enrich stage event and carries its publication time as {@code at}.
 */
@SpringBootApplication
@RestController
public class SseEmitterApp {

    private final List<SseEmitter> emitters = new CopyOnWriteArrayList<>();
    private long seq;

    public static void main(String[] args) {
        SpringApplication.run(SseEmitterApp.class, args);
    }

    @GetMapping(path = "/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter events() throws IOException {
        SseEmitter emitter = new SseEmitter(0L); // 0: no timeout
        emitters.add(emitter);
        emitter.onCompletion(() -> emitters.remove(emitter));
        emitter.onError(e -> emitters.remove(emitter));
        emitter.onTimeout(() -> emitters.remove(emitter));
        emitter.send(SseEmitter.event().comment("stream open"));
        return emitter;
    }

    @PostMapping("/publish")
    String publish(@RequestParam int rate, @RequestParam double seconds) {
        Thread publisher = new Thread(() -> run(rate, seconds), "publisher");
        publisher.start();
        return "ok\n";
    }

    private void run(int rate, double seconds) {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long period = 1_000_000_000L / rate;
        for (long i = 0; ; i++) {
            long due = start + i * period;
            if (due >= end) {
                return;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            broadcast(++seq);
        }
    }

    private void broadcast(long id) {
        String data = "{\"type\":\"stage\",\"seq\":" + id + ",\"jobSeq\":" + id + ",\"jobId\":\"bench-" + (id % 100)
                + "\",\"state\":\"running\",\"progress\":0.5,\"message\":\"Listening to the audio.\","
                + "\"stage\":\"audio\",\"stageState\":\"running\",\"stageProgress\":0.5,"
                + "\"detail\":{\"etaText\":\"~1 minute remaining\"},\"at\":\"" + Instant.now() + "\"}";
        SseEmitter.SseEventBuilder event = SseEmitter.event().id(Long.toString(id)).name("stage").data(data);
        for (SseEmitter emitter : emitters) {
            try {
                emitter.send(event);
            } catch (IOException | IllegalStateException e) {
                emitters.remove(emitter);
            }
        }
    }
}
