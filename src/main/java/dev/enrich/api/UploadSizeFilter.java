package dev.enrich.api;

import dev.enrich.config.EnrichProperties;
import dev.enrich.security.ProblemResponses;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Cap a whole upload at {@code enrich.media.max-session-size} plus room for metadata, before the multipart parser
 * writes parts to temporary files: a declared {@code Content-Length} over the cap is refused at once (413), and a
 * chunked body is cut off as soon as it passes the cap. The parser's own limits are per part; without this, one
 * request of many large parts could fill the disk before the per-session check runs.
 */
@Component
class UploadSizeFilter implements WebFilter, Ordered {

    /** Room for the metadata part (notes and transcript) and the multipart framing. */
    private static final long OVERHEAD = 20L * 1024 * 1024;
    private static final String DETAIL = "That upload is too large.";

    private final long limit;
    private final ProblemResponses problems;

    UploadSizeFilter(EnrichProperties props, ProblemResponses problems) {
        this.problems = problems;
        this.limit = props.media().maxSessionSize().toBytes() + OVERHEAD;
    }

    @Override
    public int getOrder() {
        return 1; // after security (-100) and the rate limit (0): strangers never get this far
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (!isUpload(request)) {
            return chain.filter(exchange);
        }
        if (request.getHeaders().getContentLength() > limit) {
            return problems.write(exchange, HttpStatus.CONTENT_TOO_LARGE, DETAIL, null);
        }
        AtomicLong seen = new AtomicLong();
        ServerHttpRequest counted = new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
                // The buffer that passes the cap is not emitted: the body's discard hook releases it.
                return super.getBody().handle((buffer, sink) -> {
                    if (seen.addAndGet(buffer.readableByteCount()) > limit) {
                        sink.error(new DataBufferLimitException(DETAIL));
                    } else {
                        sink.next(buffer);
                    }
                });
            }
        };
        return chain.filter(exchange.mutate().request(counted).build());
    }

    /** Return true for a session upload: {@code POST /api/v1/sessions}. */
    static boolean isUpload(ServerHttpRequest request) {
        return HttpMethod.POST.equals(request.getMethod())
                && "/api/v1/sessions".equals(request.getPath().pathWithinApplication().value());
    }
}
