package dev.enrich.api;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.AbstractServerHttpRequest;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.http.support.Netty4HeadersAdapter;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import reactor.core.publisher.Flux;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Show a Reactor Netty {@code GET} to the web handler, as Spring's own adapter would (its request class is not public):
 * same URI, headers (not copied), remote address and native request. The body is empty; cookies are not read (the
 * API uses none).
 */
final class HandshakeRequest extends AbstractServerHttpRequest {

    private final HttpServerRequest request;

    private HandshakeRequest(HttpServerRequest request, URI uri) {
        super(HttpMethod.GET, uri, null, new HttpHeaders(new Netty4HeadersAdapter(request.requestHeaders())));
        this.request = request;
    }

    /** Return the request, or null when its target is not a URI (Spring's own path then answers it). */
    static @Nullable HandshakeRequest of(HttpServerRequest request) {
        try {
            return new HandshakeRequest(request, uri(request));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    private static URI uri(HttpServerRequest request) throws URISyntaxException {
        String target = request.uri();
        if (!target.startsWith("/")) {
            return new URI(target); // absolute-form
        }
        String host = request.hostName();
        StringBuilder uri = new StringBuilder(request.scheme()).append("://")
                .append(host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host);
        int port = request.hostPort();
        if (port > 0) {
            uri.append(':').append(port);
        }
        return new URI(uri.append(target).toString());
    }

    @Override
    protected MultiValueMap<String, HttpCookie> initCookies() {
        return new LinkedMultiValueMap<>();
    }

    @Override
    protected @Nullable SslInfo initSslInfo() {
        return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getNativeRequest() {
        return (T) request;
    }

    @Override
    public @Nullable InetSocketAddress getRemoteAddress() {
        return request.remoteAddress();
    }

    @Override
    public @Nullable InetSocketAddress getLocalAddress() {
        return request.hostAddress();
    }

    @Override
    public Flux<DataBuffer> getBody() {
        return Flux.empty();
    }
}
