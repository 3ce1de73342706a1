package dev.enrich.security;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.http.server.logging.AccessLog;
import reactor.netty.http.server.logging.AccessLogArgProvider;

/**
 * Log one line per request (logger {@code reactor.netty.http.server.AccessLog}) with credentials in the query
 * string blanked: a stream ticket or token in a URL never reaches the logs. {@code enrich.access-log.enabled=false}
 * turns it off.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "enrich.access-log.enabled", havingValue = "true", matchIfMissing = true)
class AccessLogConfiguration {

    private static final Pattern SECRET = Pattern.compile("([?&](?:ticket|access_token|token|api_key|key)=)[^&#]*",
            Pattern.CASE_INSENSITIVE);

    @Bean
    NettyServerCustomizer redactedAccessLog() {
        return server -> server.accessLog(true, AccessLogConfiguration::line);
    }

    static AccessLog line(AccessLogArgProvider args) {
        return AccessLog.create("{} \"{} {} {}\" {} {} {} ms", args.remoteAddress(), args.method(),
                redact(args.uri()), args.protocol(), args.status(), args.contentLength(), args.duration());
    }

    /** Return {@code uri} with the values of credential-like query parameters replaced by {@code ***}. */
    static String redact(@Nullable CharSequence uri) {
        return uri == null ? "-" : SECRET.matcher(uri).replaceAll("$1***");
    }
}
