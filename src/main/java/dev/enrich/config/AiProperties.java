package dev.enrich.config;

import static dev.enrich.config.Settings.require;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Bind and validate the {@code enrich.ai.*} settings of the optional OpenAI-compatible provider.
 *
 * <p>The provider is off while {@code baseUrl} is empty (the default). The API key comes from
 * {@code enrich.ai.api-key}, usually set through the environment variable {@code ENRICH_AI_API_KEY}; it is trimmed,
 * may be empty for self-hosted servers without authentication, and never appears in {@link #toString()}.
 *
 * @param baseUrl the API root including its version path, e.g. {@code http://127.0.0.1:11434/v1}; empty = disabled
 * @param apiKey the bearer token; empty = send no {@code Authorization} header
 * @param models the model used for each task
 * @param connectTimeout the longest wait for a TCP connection
 * @param responseTimeout the longest silence while waiting for or reading a response
 * @param maxUploadSize the largest audio file sent in one transcription call
 * @param maxImagesPerCall the most images in one chat call
 */
@ConfigurationProperties("enrich.ai")
public record AiProperties(
        @DefaultValue("") String baseUrl,
        @DefaultValue("") String apiKey,
        @DefaultValue Models models,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("60s") Duration responseTimeout,
        @DefaultValue("24MB") DataSize maxUploadSize,
        @DefaultValue("4") int maxImagesPerCall) {

    public AiProperties {
        baseUrl = normalizeBaseUrl(baseUrl);
        apiKey = apiKey.trim();
        require(connectTimeout.toMillis() > 0, "enrich.ai.connect-timeout must be > 0, but was " + connectTimeout);
        require(responseTimeout.toMillis() > 0, "enrich.ai.response-timeout must be > 0, but was " + responseTimeout);
        require(maxUploadSize.toBytes() > 0, "enrich.ai.max-upload-size must be > 0, but was " + maxUploadSize);
        require(maxImagesPerCall > 0, "enrich.ai.max-images-per-call must be > 0, but was " + maxImagesPerCall);
    }

    /** Return settings for a provider at {@code baseUrl} with {@code apiKey} and every other setting at its default. */
    public static AiProperties of(String baseUrl, String apiKey) {
        return new AiProperties(baseUrl, apiKey, Models.defaults(), Duration.ofSeconds(5), Duration.ofSeconds(60),
                DataSize.ofMegabytes(24), 4);
    }

    /** Return true when a provider is configured. */
    public boolean enabled() {
        return !baseUrl.isEmpty();
    }

    /** Return a copy with other timeouts. */
    public AiProperties withTimeouts(Duration connect, Duration response) {
        return new AiProperties(baseUrl, apiKey, models, connect, response, maxUploadSize, maxImagesPerCall);
    }

    /** Return a copy with another upload limit. */
    public AiProperties withMaxUploadSize(DataSize size) {
        return new AiProperties(baseUrl, apiKey, models, connectTimeout, responseTimeout, size, maxImagesPerCall);
    }

    /** Describe the settings with the API key redacted. */
    @Override
    public String toString() {
        return "AiProperties[baseUrl=" + baseUrl + ", apiKey=" + (apiKey.isEmpty() ? "<none>" : "<redacted>")
                + ", models=" + models + ", connectTimeout=" + connectTimeout + ", responseTimeout="
                + responseTimeout + ", maxUploadSize=" + maxUploadSize + ", maxImagesPerCall=" + maxImagesPerCall
                + "]";
    }

    /**
     * Name the model used for each task.
     *
     * @param transcription speech to text
     * @param summary session summaries
     * @param vision key-frame captions
     * @param canvas the canvas narrative
     */
    public record Models(
            @DefaultValue("whisper-1") String transcription,
            @DefaultValue("gpt-4o-mini") String summary,
            @DefaultValue("gpt-4o-mini") String vision,
            @DefaultValue("gpt-4o-mini") String canvas) {

        public Models {
            require(!transcription.isBlank(), "enrich.ai.models.transcription must not be blank");
            require(!summary.isBlank(), "enrich.ai.models.summary must not be blank");
            require(!vision.isBlank(), "enrich.ai.models.vision must not be blank");
            require(!canvas.isBlank(), "enrich.ai.models.canvas must not be blank");
        }

        /** Return the default models. */
        public static Models defaults() {
            return new Models("whisper-1", "gpt-4o-mini", "gpt-4o-mini", "gpt-4o-mini");
        }
    }

    private static String normalizeBaseUrl(String raw) {
        String url = raw.trim();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        if (url.isEmpty()) {
            return url;
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException notAUri) {
            throw new IllegalArgumentException("enrich.ai.base-url must be an http(s) URL");
        }
        // Never echo a URL with credentials in it: the message may be logged.
        require(uri.getRawUserInfo() == null,
                "enrich.ai.base-url must not contain credentials; set enrich.ai.api-key instead");
        String scheme = uri.getScheme();
        require(("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) && uri.getHost() != null
                        && uri.getRawQuery() == null,
                "enrich.ai.base-url must be an http(s) URL without a query, but was " + raw);
        return url;
    }
}
