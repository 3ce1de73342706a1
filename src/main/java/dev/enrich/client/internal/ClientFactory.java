package dev.enrich.client.internal;

import dev.enrich.client.ClientConfig;
import dev.enrich.client.EnrichClient;
import io.netty.channel.ChannelOption;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

/** Build {@link EnrichClient}s; the one public entry of this package, for {@link EnrichClient#create}. */
public final class ClientFactory {

    private ClientFactory() {}

    /** Return a client configured as {@code config} says. */
    public static EnrichClient create(ClientConfig config) {
        HttpClient http = config.httpClient().apply(HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        config.connectTimeout().toMillis())));
        WebClient.Builder builder = WebClient.builder()
                .baseUrl(config.baseUrl().toString())
                .clientConnector(new ReactorClientHttpConnector(http))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(config.maxEventSize()));
        config.webClient().accept(builder);
        WebClient web = builder.build();
        Exchanges exchanges = new Exchanges(web, config.credentials(), config.responseTimeout(), config.callRetries());
        return new DefaultEnrichClient(exchanges,
                new EventStreams(web, exchanges, config.streamIdleTimeout(), config.streamRetries()));
    }
}
