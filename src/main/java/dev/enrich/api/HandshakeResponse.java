package dev.enrich.api;

import java.util.ArrayList;
import java.util.List;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.AbstractServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Take what the web handler answers to a stream request (status, headers, a small body such as a problem) without
 * sending it; {@link SseRoute} sends it. Buffers come from the connection's allocator.
 */
final class HandshakeResponse extends AbstractServerHttpResponse {

    private final List<DataBuffer> body = new ArrayList<>();

    HandshakeResponse(NettyDataBufferFactory buffers) {
        super(buffers);
    }

    /** Return the body written so far; sending it releases the buffers. */
    List<DataBuffer> body() {
        return body;
    }

    /** Return the status set, or 200 as the connection would send it. */
    @Override
    public HttpStatusCode getStatusCode() {
        HttpStatusCode status = super.getStatusCode();
        return status == null ? HttpStatus.OK : status;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getNativeResponse() {
        return (T) this;
    }

    // Kept, not dropped: ignoring the buffers (then()) would discard them, which releases them.
    @Override
    protected Mono<Void> writeWithInternal(Publisher<? extends DataBuffer> content) {
        return keep(Flux.from(content));
    }

    @Override
    protected Mono<Void> writeAndFlushWithInternal(Publisher<? extends Publisher<? extends DataBuffer>> content) {
        return keep(Flux.from(content).concatMap(Flux::from));
    }

    private Mono<Void> keep(Flux<? extends DataBuffer> content) {
        return content.collectList().map(buffers -> body.addAll(buffers)).then();
    }

    @Override
    protected void applyStatusCode() {
        // read by the route from getStatusCode()
    }

    @Override
    protected void applyHeaders() {
        // read by the route from getHeaders()
    }

    @Override
    protected void applyCookies() {
        getCookies().values().forEach(cookies -> cookies.forEach(
                cookie -> getHeaders().add(HttpHeaders.SET_COOKIE, cookie.toString())));
    }
}
