package dev.enrich.api;

import dev.enrich.events.EventType;
import dev.enrich.events.JobEvent;
import dev.enrich.job.BatchView;
import dev.enrich.job.JobView;
import dev.enrich.security.AdminPaths;
import dev.enrich.session.MediaKind;
import dev.enrich.upload.SessionDraft;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.Encoding;
import io.swagger.v3.oas.models.media.JsonSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.tags.Tag;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Complete the description springdoc generates from the controllers with what their signatures do not say: the
 * security schemes, the RFC 9457 problem answers of each operation, the {@code Idempotency-Key} of the three
 * submissions, the event streams' frames and the multipart upload.
 *
 * <p>Errors follow the operation's shape: every operation may answer 401, 429, 500 and 503; one with an id in its path
 * 404; one with parameters or a body 400; one with a body 413 and 415; the admin paths ({@link AdminPaths}) 403;
 * submissions and job commands 409 (and, with an {@code Idempotency-Key}, 422).
 */
final class ApiDocumentCustomizer implements OpenApiCustomizer {

    /** The RFC 9457 problem details schema every error answer carries. */
    static final String PROBLEM = "Problem";
    /** The schema of one frame of an event stream. */
    static final String EVENT_FRAME = "JobEventFrame";
    static final String API_KEY = "apiKey";
    static final String JWT = "jwt";
    static final String STREAM_TICKET = "streamTicket";
    static final String PROBLEM_JSON = org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE;
    static final String EVENT_STREAM = org.springframework.http.MediaType.TEXT_EVENT_STREAM_VALUE;

    /** The submissions that run once per {@code Idempotency-Key} ({@link IdempotentSubmissions}). */
    static final Set<String> IDEMPOTENT = Set.of("POST /api/v1/sessions", "POST /api/v1/sessions/{id}/enrichments",
            "POST /api/v1/batches");
    private static final Set<String> JOB_COMMANDS = Set.of("POST /api/v1/jobs/{id}/retry", "DELETE /api/v1/jobs/{id}");
    /** Operations that name sessions, jobs or batches in their body: an unknown one answers 404. */
    private static final Set<String> IDS_IN_BODY = Set.of("POST /api/v1/batches", "POST /api/v1/stream-tickets");
    private static final String UPLOAD = "POST /api/v1/sessions";
    private static final String JOB_LIST = "GET /api/v1/jobs";
    private static final String RETRY_AFTER = "Retry-After";

    /** The error answers, by status: description, and whether it carries {@code Retry-After}. */
    private static final Map<Integer, ErrorAnswer> ERRORS = new TreeMap<>(Map.ofEntries(
            error(400, "BadRequest", "The request is malformed or a value is invalid.", false),
            error(401, "Unauthorized", "No valid API key or token (WWW-Authenticate: Bearer).", false),
            error(403, "Forbidden", "The caller lacks the ADMIN role.", false),
            error(404, "NotFound", "No such resource for this tenant (another tenant's ids too).", false),
            error(409, "Conflict", "The resource is not in a state for this, or a request with the same "
                    + "Idempotency-Key is still running (then with Retry-After).", true),
            error(413, "ContentTooLarge", "The body, a part or the account's storage is over its limit.", false),
            error(415, "UnsupportedMediaType", "The body or a file is of a type Enrich does not read.", false),
            error(422, "UnprocessableContent", "The Idempotency-Key was used for a different request, or a file "
                    + "could not be read.", false),
            error(429, "TooManyRequests", "Over one of the caller's limits (requests per second, queued jobs, open "
                    + "streams, stored sessions).", true),
            error(500, "InternalError", "Something went wrong on Enrich's side.", false),
            error(503, "ServiceUnavailable", "The queue is full, the service is draining for a restart, or its store "
                    + "is unreachable; retry after Retry-After.", true),
            error(507, "InsufficientStorage", "The whole service holds as much as it may.", false)));

    private final List<PathPattern> adminPaths = AdminPaths.PATTERNS.stream()
            .map(PathPatternParser.defaultInstance::parse).toList();

    @Override
    public void customise(OpenAPI api) {
        api.info(new Info().title("Enrich API").version("v1").description("""
                Upload a session (notes, transcript, audio, video, screenshots), enrich it, follow the job live and \
                read the typed results. Every call carries `Authorization: Bearer <API key or JWT>`; errors are \
                RFC 9457 `application/problem+json`; the three submissions take an `Idempotency-Key`."""));
        api.tags(List.of(
                new Tag().name("Sessions").description("Upload sessions, start enrichments, read their results."),
                new Tag().name("Jobs").description("Follow, cancel and retry enrichment jobs."),
                new Tag().name("Batches").description("Enrich many sessions at once."),
                new Tag().name("Events").description("Live Server-Sent Events streams of jobs and batches."),
                new Tag().name("Administration").description("The operator's views: ADMIN role only.")));
        Components components = api.getComponents() == null ? new Components() : api.getComponents();
        api.components(components);
        securitySchemes(components);
        api.security(List.of(new SecurityRequirement().addList(API_KEY), new SecurityRequirement().addList(JWT)));
        schemas(components);
        ERRORS.forEach((status, error) -> components.addResponses(error.name(), error.response()));
        components.addParameters(IdempotencyKey.HEADER, new Parameter().in("header").name(IdempotencyKey.HEADER)
                .required(false).schema(string().maxLength(IdempotencyKey.MAX_LENGTH))
                .example("\"8e03978e-40d5-43e8-bc93-6894a57f9324\"")
                .description("Run this submission once per key: a retry with the same key and request gets the "
                        + "first answer again (with Idempotent-Replayed: true) and creates nothing. A structured "
                        + "field string or a bare token, 1 to " + IdempotencyKey.MAX_LENGTH + " characters."));
        if (api.getPaths() != null) {
            api.getPaths().forEach((path, item) -> item.readOperationsMap()
                    .forEach((method, operation) -> operation(path, method, operation)));
        }
    }

    private static void securitySchemes(Components components) {
        components.addSecuritySchemes(API_KEY, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                .description("An Enrich API key, sent as `Authorization: Bearer <key>`; bound to a tenant and "
                        + "roles (USER, ADMIN)."));
        components.addSecuritySchemes(JWT, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                .bearerFormat("JWT").description("A JWT from the configured issuer, sent as `Authorization: Bearer "
                        + "<token>`; the tenant comes from its `tenant` claim, the roles from `roles`."));
        components.addSecuritySchemes(STREAM_TICKET, new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                .in(SecurityScheme.In.QUERY).name("ticket").description("For the event streams only: a single-use "
                        + "ticket from POST /api/v1/stream-tickets, for browsers' EventSource, which sends no "
                        + "headers."));
    }

    private static void schemas(Components components) {
        components.addSchemas(PROBLEM, object().description("RFC 9457 problem details.")
                .addProperty("type", string().format("uri-reference")._default("about:blank"))
                .addProperty("title", string().description("The status's standard phrase."))
                .addProperty("status", new JsonSchema().typesItem("integer").format("int32"))
                .addProperty("detail", string().description("What went wrong, short and friendly."))
                .addProperty("instance", string().format("uri-reference").description("The request path.")));
        ModelConverters converters = ModelConverters.getInstance(true);
        for (Class<?> type : List.of(JobEvent.class, JobEvent.EtaDetail.class, JobEvent.RetryDetail.class,
                JobEvent.UserSnapshot.class, JobView.class, BatchView.class, SessionDraft.class)) {
            converters.readAll(type).forEach(components::addSchemas);
        }
        // An Object in the code: what it holds depends on the event.
        List<Schema> details = List.of(ref(JobView.class.getSimpleName()), ref(BatchView.class.getSimpleName()),
                ref(JobEvent.UserSnapshot.class.getSimpleName()), ref(JobEvent.RetryDetail.class.getSimpleName()),
                ref(JobEvent.EtaDetail.class.getSimpleName()));
        components.getSchemas().get(JobEvent.class.getSimpleName()).addProperty("detail", new JsonSchema()
                .oneOf(details)
                .description("snapshot: the job (JobView), the batch (BatchView) or your jobs (UserSnapshot); "
                        + "batch: the batch; retrying: RetryDetail; stage and progress: EtaDetail; none when a job "
                        + "ends."));
        components.addSchemas(EVENT_FRAME, object().description("""
                One Server-Sent Events frame: `id:`, `event:` and `data:` lines, then a blank line (SSE text, not \
                JSON). A stream opens with `retry:3000` and the comment `:stream open`; `:heartbeat` comments keep \
                an idle stream open.""")
                .addProperty("id", new JsonSchema().typesItem("integer").format("int64")
                        .description("The stream's sequence number: send it back as Last-Event-ID to resume."))
                .addProperty("event", string()._enum(Arrays.stream(EventType.values()).map(EventType::id).toList())
                        .description("snapshot first; then stage, progress and retrying; a job ends with completed, "
                                + "partial, failed, cancelled or interrupted; batch for a batch's counts."))
                .addProperty("data", ref(JobEvent.class.getSimpleName()))
                .required(List.of("id", "event", "data")));
    }

    private void operation(String path, PathItem.HttpMethod method, Operation operation) {
        String key = method + " " + path;
        Set<Integer> errors = new TreeSet<>(List.of(401, 429, 500, 503));
        if (key.equals(UPLOAD)) {
            operation.requestBody(upload());
            errors.addAll(List.of(422, 507));
        }
        if (IDEMPOTENT.contains(key)) {
            operation.addParametersItem(new Parameter().$ref("#/components/parameters/" + IdempotencyKey.HEADER));
            operation.getResponses().forEach((status, response) -> {
                if (status.startsWith("2")) {
                    response.addHeaderObject(IdempotentSubmissions.REPLAYED, new Header().schema(string()._enum(
                            List.of("true"))).description("Present on a replayed answer to a retried request."));
                }
            });
            errors.addAll(List.of(409, 422, 507));
        }
        if (JOB_COMMANDS.contains(key)) {
            errors.add(409);
        }
        if (method == PathItem.HttpMethod.GET && SseRoute.PATHS.contains(path)) {
            stream(operation);
        }
        if (path.contains("{") || IDS_IN_BODY.contains(key)) {
            errors.add(404);
        }
        boolean parameters = operation.getParameters() != null && operation.getParameters().stream()
                .anyMatch(p -> p.get$ref() != null || !"path".equals(p.getIn()));
        if (parameters || operation.getRequestBody() != null) {
            errors.add(400);
        }
        if (operation.getRequestBody() != null) {
            errors.addAll(List.of(413, 415));
        }
        if (key.equals(JOB_LIST) || adminPaths.stream().anyMatch(p -> p.matches(PathContainer.parsePath(path)))) {
            errors.add(403);
        }
        ApiResponses responses = operation.getResponses();
        errors.forEach(status -> responses.addApiResponse(String.valueOf(status),
                new ApiResponse().$ref("#/components/responses/" + ERRORS.get(status).name())));
    }

    // The event streams: served by SseRoute outside the web handler, described here with their frames.
    private static void stream(Operation operation) {
        operation.security(List.of(new SecurityRequirement().addList(API_KEY), new SecurityRequirement().addList(JWT),
                new SecurityRequirement().addList(STREAM_TICKET)));
        operation.getParameters().forEach(parameter -> {
            switch (parameter.getName()) {
                case "Last-Event-ID" -> parameter.description("Resume after this event: what was missed is "
                        + "replayed, or a fresh snapshot comes when it is no longer held. A non-negative number.")
                        .schema(string().pattern("^[0-9]+$"));
                case "lastEventId" -> parameter.description("The same as Last-Event-ID, for a page reload (the "
                        + "header wins when both are sent).").schema(string().pattern("^[0-9]+$"));
                default -> { }
            }
        });
        ApiResponses responses = new ApiResponses()
                .addApiResponse("200", new ApiResponse().description("The stream, until its terminal event (job and "
                        + "batch streams) or until the client leaves (the user stream).")
                        .content(new Content().addMediaType(EVENT_STREAM, new MediaType().schema(ref(EVENT_FRAME)))))
                .addApiResponse("204", new ApiResponse().description("The stream already ended before Last-Event-ID: "
                        + "nothing more will come (EventSource stops reconnecting)."));
        operation.responses(responses);
    }

    private static RequestBody upload() {
        Schema<?> form = object().addProperty("metadata", ref(SessionDraft.class.getSimpleName()));
        Map<String, Encoding> encoding = new LinkedHashMap<>();
        encoding.put("metadata", new Encoding().contentType(org.springframework.http.MediaType.APPLICATION_JSON_VALUE));
        for (MediaKind kind : MediaKind.values()) {
            Schema<?> file = string().format("binary");
            form.addProperty(kind.part(), kind == MediaKind.FRAMES
                    ? new JsonSchema().typesItem("array").items(file).description("Screenshots (PNG or JPEG), in "
                            + "order: repeat the part.")
                    : file.description(kind == MediaKind.AUDIO ? "A recording (WAV)." : "A screen recording (MP4)."));
        }
        form.required(List.of("metadata"));
        return new RequestBody().required(true)
                .description("The session: a `metadata` part (JSON: title, notes, transcript) and optional files.")
                .content(new Content().addMediaType(org.springframework.http.MediaType.MULTIPART_FORM_DATA_VALUE,
                        new MediaType().schema(form).encoding(encoding)));
    }

    private static Map.Entry<Integer, ErrorAnswer> error(int status, String name, String description,
            boolean retryAfter) {
        return Map.entry(status, new ErrorAnswer(name, description, retryAfter));
    }

    private static Schema<?> object() {
        return new JsonSchema().typesItem("object");
    }

    private static Schema<String> string() {
        Schema<String> schema = new Schema<>(SpecVersion.V31);
        schema.setTypes(new LinkedHashSet<>(List.of("string")));
        return schema;
    }

    private static Schema<?> ref(String schema) {
        return new JsonSchema().$ref("#/components/schemas/" + schema);
    }

    /** One kind of error answer, reused by every operation that may give it. */
    private record ErrorAnswer(String name, String description, boolean retryAfter) {

        ApiResponse response() {
            ApiResponse response = new ApiResponse().description(description).content(new Content()
                    .addMediaType(PROBLEM_JSON, new MediaType().schema(ref(PROBLEM))));
            if (retryAfter) {
                response.addHeaderObject(RETRY_AFTER, new Header().description("Seconds to wait before retrying.")
                        .schema(new JsonSchema().typesItem("integer")));
            }
            if (name.equals("Unauthorized")) {
                response.addHeaderObject(HttpHeaders.WWW_AUTHENTICATE, new Header().schema(string()));
            }
            return response;
        }
    }
}
