package dev.enrich.security;

import io.netty.channel.Channel;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.AbstractServerHttpRequest;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.netty.Connection;
import reactor.netty.http.HttpInfos;

/**
 * Log one line per request that reaches the service (logger {@code reactor.netty.http.server.AccessLog}, as before),
 * whatever the client did: completed, failed (the line ends in {@code failed}), or left early (it ends in
 * {@code cancelled}, with the status set so far). Credentials in the query string are blanked, however their names
 * are percent-encoded. {@code enrich.access-log.enabled=false} turns it off.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "enrich.access-log.enabled", havingValue = "true", matchIfMissing = true)
class AccessLogConfiguration {

    /** The logger of the lines; Reactor Netty's own name, so existing log routing keeps working. */
    static final String LOGGER = "reactor.netty.http.server.AccessLog";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);
    /** Query parameters whose values are credentials, compared after percent-decoding, in any case. */
    private static final Set<String> SECRETS = Set.of("ticket", "access_token", "token", "api_key", "key");

    /**
     * Wrap the whole web handler, exception handlers included, so the line carries the status really sent. Reactor
     * Netty's own access log writes a line only once the last byte went out, so a client that left early left none.
     */
    @Bean
    HttpHandlerDecoratorFactory accessLog() {
        return handler -> (HttpHandler) (request, response) -> {
            long start = System.nanoTime();
            Object exchange = request instanceof AbstractServerHttpRequest r ? r.getNativeRequest() : null;
            // Taken now: once the exchange is over, Reactor Netty's connection object no longer holds the socket.
            Channel channel = exchange instanceof Connection connection ? connection.channel() : null;
            return Mono.deferContextual(context -> {
                Mono<Void> handled = handler.handle(request, response);
                DeferredAccessLine deferred = context.getOrDefault(DeferredAccessLine.class, null);
                if (deferred != null) {
                    // A stream goes on after its exchange: its route writes the line when it really ends. The line is
                    // made now, so the stream holds a string, not the exchange.
                    return handled.doFinally(signal -> {
                        String line = line(request, response, exchange);
                        deferred.set(ending -> write(line, exchange, channel,
                                signal == SignalType.ON_COMPLETE ? ending : signal, start));
                    });
                }
                return handled.doFinally(signal -> write(line(request, response, exchange), exchange, channel,
                        signal, start));
            });
        };
    }

    // Everything of the line but its duration and ending, known once the response has its status.
    private static String line(ServerHttpRequest request, ServerHttpResponse response, @Nullable Object exchange) {
        HttpInfos infos = exchange instanceof HttpInfos i ? i : null;
        HttpStatusCode status = response.getStatusCode();
        String length = response.getHeaders().getFirst("Content-Length");
        return remote(request) + " \"" + request.getMethod().name() + " "
                + redact(infos != null ? infos.uri() : pathAndQuery(request.getURI())) + " "
                + (infos != null ? infos.version().text() : "-") + "\" " + (status == null ? "-" : status.value())
                + " " + (length == null ? "-" : length);
    }

    private static void write(String line, @Nullable Object exchange, @Nullable Channel channel, SignalType signal,
            long start) {
        if (!log.isInfoEnabled()) {
            return;
        }
        // Neither the signal nor the status tells a client that left: Reactor Netty cancels every exchange once its
        // last byte is out, and the web handler completes quietly when its client has gone. A kept-alive connection
        // whose socket is closed already does tell.
        boolean left = exchange instanceof HttpInfos infos && infos.isKeepAlive() && channel != null
                && !channel.isActive();
        String ending = left ? " cancelled" : signal == SignalType.ON_ERROR ? " failed" : "";
        log.info("{} {} ms{}", line, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), ending);
    }

    private static String remote(ServerHttpRequest request) {
        var address = request.getRemoteAddress();
        return address == null ? "-" : address.getAddress() != null ? address.getAddress().getHostAddress()
                : address.getHostString();
    }

    private static String pathAndQuery(URI uri) {
        return uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
    }

    /**
     * Return {@code uri} with the values of credential query parameters ({@code ticket}, {@code token}, ...)
     * replaced by {@code ***}. Names are percent-decoded first, as the server decodes them ({@code %74icket} is a
     * ticket); a name that does not decode is blanked too.
     */
    static String redact(@Nullable CharSequence uri) {
        if (uri == null) {
            return "-";
        }
        String text = uri.toString();
        int query = text.indexOf('?');
        if (query < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length()).append(text, 0, query + 1);
        String[] parameters = text.substring(query + 1).split("&", -1);
        for (int i = 0; i < parameters.length; i++) {
            String parameter = parameters[i];
            int equals = parameter.indexOf('=');
            out.append(i == 0 ? "" : "&");
            out.append(equals >= 0 && secret(parameter.substring(0, equals))
                    ? parameter.substring(0, equals + 1) + "***" : parameter);
        }
        return out.toString();
    }

    private static boolean secret(String rawName) {
        try {
            return SECRETS.contains(URLDecoder.decode(rawName, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException undecodable) {
            return true;
        }
    }
}
