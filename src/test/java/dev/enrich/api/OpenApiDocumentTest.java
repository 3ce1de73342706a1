package dev.enrich.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.enrich.engine.EnrichmentService;
import dev.enrich.events.JobEvent;
import dev.enrich.job.BatchView;
import dev.enrich.job.JobView;
import dev.enrich.model.Canvas;
import dev.enrich.model.Chapter;
import dev.enrich.model.StageOutput;
import dev.enrich.model.TranscriptSegment;
import dev.enrich.pipeline.StageResult;
import dev.enrich.testing.ServiceTest;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;
import reactor.core.publisher.Mono;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsonFormatVisitors.JsonFormatVisitorWrapper;
import tools.jackson.databind.jsonFormatVisitors.JsonObjectFormatVisitor;

/**
 * Check the published API description against the running service: every route it serves is documented (and nothing
 * else), the result schemas have the typed model's JSON properties, the document is OpenAPI 3.1 with event streams,
 * idempotency keys and problem answers, and the document and its page answer callers without credentials.
 */
@ServiceTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiDocumentTest {

    @Autowired
    ApplicationContext context;

    /** The application's own mapper: the JSON names the API really writes. */
    @Autowired
    JsonMapper json;

    @LocalServerPort
    int port;

    /** A client without credentials, reading bodies up to the page's largest script. */
    WebTestClient anonymous;
    JsonNode document;

    @BeforeAll
    void fetchTheDocumentWithoutCredentials() {
        // The first request builds the document: seconds on a busy machine.
        anonymous = WebTestClient.bindToServer().baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(60))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024)).build();
        byte[] body = anonymous.get().uri("/v3/api-docs").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody().returnResult().getResponseBody();
        document = json.readTree(body);
    }

    @Test
    void everyRouteTheServiceServesIsInTheDocumentAndNothingElse() {
        Set<String> served = new TreeSet<>();
        Set<String> undocumented = new TreeSet<>(); // springdoc's own endpoints and actuator, left out by design
        RequestMappingHandlerMapping controllers = context.getBean("requestMappingHandlerMapping",
                RequestMappingHandlerMapping.class);
        controllers.getHandlerMethods().forEach((info, method) -> {
            String owner = method.getBeanType().getPackageName();
            if (owner.startsWith("dev.enrich.")) {
                served.addAll(routes(info));
            } else {
                assertThat(owner).as("a controller outside the service: %s", method).startsWith("org.springdoc.");
                undocumented.addAll(routes(info));
            }
        });
        context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values().stream()
                .filter(mapping -> mapping != controllers)
                .forEach(mapping -> mapping.getHandlerMethods().keySet().forEach(info -> routes(info).forEach(route -> {
                    assertThat(route).as("only actuator has a mapping of its own").contains(" /actuator");
                    undocumented.add(route);
                })));
        Set<String> functional = new TreeSet<>();
        context.getBeansOfType(RouterFunctionMapping.class).values().stream()
                .map(RouterFunctionMapping::getRouterFunction).filter(f -> f != null)
                .forEach(f -> functional.addAll(RouteCollector.routes(f)));
        functional.stream().filter(route -> route.contains(" /api/")).forEach(served::add);
        // Outside the API, router functions serve only the web page's welcome route.
        assertThat(functional.stream().filter(route -> !route.contains(" /api/"))).containsExactly("GET /");
        assertThat(context.getBeansOfType(NettyRouteProvider.class).values())
                .singleElement().isInstanceOf(SseRoute.class);
        SseRoute.PATHS.forEach(path -> served.add("GET " + path));

        assertThat(documented()).containsExactlyInAnyOrderElementsOf(served);
        assertThat(undocumented).isNotEmpty().doesNotContainAnyElementsOf(documented());
        System.out.printf("OPENAPI routes served=%d documented=%d left out (springdoc, actuator)=%d%n",
                served.size(), documented().size(), undocumented.size());
    }

    @Test
    void resultAndEventSchemasHaveTheJsonPropertiesOfTheirTypes() {
        // What GET .../enrichment returns, down to every record its JSON holds (the typed stage results included),
        // and what an event stream's data holds.
        Set<Class<?>> records = new LinkedHashSet<>();
        for (Class<?> root : List.of(EnrichmentService.Results.class, JobEvent.class, JobEvent.EtaDetail.class,
                JobEvent.RetryDetail.class, JobEvent.UserSnapshot.class, BatchView.class)) {
            collectRecords(root, records);
        }
        assertThat(records).contains(StageOutput.class.getPermittedSubclasses());
        Map<String, String> mismatches = new TreeMap<>();
        for (Class<?> type : records) {
            Set<String> expected = jsonProperties(type);
            assertThat(expected).as("JSON properties of %s", type).isNotEmpty();
            Set<String> inDocument = schemaProperties(type.getSimpleName());
            if (!expected.equals(inDocument)) {
                mismatches.put(type.getName(), "model " + expected + " but document " + inDocument);
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(records).contains(StageResult.class, JobView.class, Canvas.Stats.class, Chapter.class,
                TranscriptSegment.class);
        System.out.printf("OPENAPI result records checked=%d%n", records.size());
    }

    @Test
    void pinnedResultDocumentConformsToItsSchema() throws Exception {
        // The real processors' answer to GET .../enrichment, pinned by ResultDocumentGoldenTest.
        JsonNode golden;
        try (InputStream in = new ClassPathResource("golden/enrichment-result.json").getInputStream()) {
            golden = json.readTree(in);
        }
        List<String> violations = new ArrayList<>();
        conform(golden, document.at("/paths/~1api~1v1~1sessions~1{id}~1enrichment/get/responses/200/content"
                + "/application~1json/schema"), "$", violations, true);
        assertThat(violations).isEmpty();
        assertThat(golden.path("results").propertyNames()).containsExactly("audio", "video", "summary", "canvas");
        // Each kind of stage result is told apart by what it always has.
        assertThat(document.at("/components/schemas/JobView/required").valueStream().map(JsonNode::asString))
                .contains("id", "state", "progress", "stages").doesNotContain("etaSeconds", "batchId");
    }

    @Test
    void documentIsOpenApi31WithEventStreamsIdempotencyKeysAndProblems() {
        assertThat(document.path("openapi").asString()).startsWith("3.1.");
        assertThat(document.path("components").path("securitySchemes").propertyNames())
                .containsExactlyInAnyOrder("apiKey", "jwt", "streamTicket");
        assertThat(document.at("/components/securitySchemes/jwt/bearerFormat").asString()).isEqualTo("JWT");
        assertThat(document.at("/components/securitySchemes/streamTicket/in").asString()).isEqualTo("query");
        assertThat(document.at("/components/schemas/Problem/properties").propertyNames())
                .containsExactlyInAnyOrder("type", "title", "status", "detail", "instance");

        for (String path : SseRoute.PATHS) {
            JsonNode get = document.path("paths").path(path).path("get");
            assertThat(get.at("/responses/200/content").propertyNames()).as(path).containsExactly("text/event-stream");
            assertThat(resolve(get.at("/responses/200/content/text~1event-stream/schema")).at("/properties/event/enum")
                    .valueStream().map(JsonNode::asString))
                    .contains("snapshot", "progress", "completed", "batch");
            assertThat(parameterNames(get)).as(path).contains("Last-Event-ID", "lastEventId");
            assertThat(get.path("security").valueStream().flatMap(s -> s.propertyNames().stream()))
                    .as(path).contains("streamTicket");
            assertThat(get.at("/responses/204").isMissingNode()).as(path).isFalse();
        }
        assertThat(document.at("/components/schemas/JobEventFrame/properties/data/$ref").asString())
                .isEqualTo("#/components/schemas/JobEvent");

        List<String> posts = new ArrayList<>();
        operations((route, operation) -> {
            if (route.startsWith("POST ")) {
                posts.add(route);
            }
        });
        assertThat(posts).hasSize(5);
        for (String post : List.of("POST /api/v1/sessions", "POST /api/v1/sessions/{id}/enrichments",
                "POST /api/v1/batches")) {
            JsonNode operation = operation(post);
            assertThat(parameterNames(operation)).as(post).contains("Idempotency-Key");
            assertThat(operation.path("responses").propertyNames()).as(post).contains("409", "422");
        }
        assertThat(parameterNames(operation("POST /api/v1/jobs/{id}/retry"))).doesNotContain("Idempotency-Key");
        assertThat(operation("POST /api/v1/sessions").at("/requestBody/content/multipart~1form-data/schema/properties")
                .propertyNames()).containsExactlyInAnyOrder("metadata", "audio", "video", "frames");

        // Every operation answers its errors as problem+json, each a reference to the Problem schema.
        operations((route, operation) -> {
            List<String> errors = operation.path("responses").propertyNames().stream()
                    .filter(status -> status.startsWith("4") || status.startsWith("5")).toList();
            assertThat(errors).as(route).contains("401", "429", "500", "503");
            for (String status : errors) {
                JsonNode response = resolve(operation.path("responses").path(status));
                assertThat(response.at("/content").propertyNames()).as(route + " " + status)
                        .containsExactly("application/problem+json");
                assertThat(response.at("/content/application~1problem+json/schema/$ref").asString())
                        .as(route + " " + status).isEqualTo("#/components/schemas/Problem");
            }
            if (route.contains("{")) {
                assertThat(errors).as(route).contains("404");
            }
        });
        assertThat(operation("GET /api/v1/pool").path("responses").propertyNames()).contains("403");
        assertThat(operation("GET /api/v1/admin/costs").path("responses").propertyNames()).contains("403");
        assertThat(operation("GET /api/v1/jobs/{id}").path("responses").propertyNames()).doesNotContain("403");
        assertThat(document.at("/components/responses/TooManyRequests/headers/Retry-After").isMissingNode()).isFalse();
        assertThat(operation("GET /api/v1/sessions/{id}/enrichment").at("/responses/200/content/application~1json"
                + "/schema/$ref").asString()).isEqualTo("#/components/schemas/Results");
    }

    @Test
    void yamlDocumentIsTheSameDocument() throws Exception {
        byte[] yaml = anonymous.get().uri("/v3/api-docs.yaml").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody();
        byte[] jsonDocument = anonymous.get().uri("/v3/api-docs").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody();
        // springdoc writes YAML with swagger-core's Jackson 2 YAML mapper; read back the same way.
        assertThat(new YAMLMapper().readTree(yaml)).isEqualTo(new ObjectMapper().readTree(jsonDocument));
        assertThat(new String(yaml, StandardCharsets.UTF_8)).startsWith("openapi: 3.1.");
    }

    @Test
    void interactivePageAnswersWithoutCredentials() {
        String page = anonymous.get().uri("/swagger-ui.html").exchange().expectStatus().isFound()
                .returnResult(Void.class).getResponseHeaders().getLocation().toString();
        assertThat(page).isEqualTo("/swagger-ui/index.html");
        assertThat(anonymous.get().uri(page).exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectBody(String.class).returnResult().getResponseBody())
                .contains("<div id=\"swagger-ui\"></div>", "swagger-initializer.js");
        anonymous.get().uri("/swagger-ui/swagger-ui-bundle.js").exchange().expectStatus().isOk()
                .expectBody().consumeWith(body -> assertThat(body.getResponseBody()).hasSizeGreaterThan(100_000));
        assertThat(anonymous.get().uri("/v3/api-docs/swagger-config").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody()).contains("\"url\":\"/v3/api-docs\"");
    }

    private Set<String> documented() {
        Set<String> routes = new TreeSet<>();
        operations((route, operation) -> routes.add(route));
        return routes;
    }

    private void operations(BiConsumer<String, JsonNode> each) {
        document.path("paths").properties().forEach(path -> path.getValue().properties().forEach(op -> {
            if (!op.getKey().equals("parameters") && !op.getKey().equals("summary")) {
                each.accept(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), op.getValue());
            }
        }));
    }

    private JsonNode operation(String route) {
        String[] parts = route.split(" ", 2);
        JsonNode operation = document.path("paths").path(parts[1]).path(parts[0].toLowerCase(Locale.ROOT));
        assertThat(operation.isMissingNode()).as(route).isFalse();
        return operation;
    }

    private List<String> parameterNames(JsonNode operation) {
        return operation.path("parameters").valueStream().map(this::resolve).map(p -> p.path("name").asString())
                .toList();
    }

    /** Follow a local {@code $ref}, if the node is one. */
    private JsonNode resolve(JsonNode node) {
        String ref = node.path("$ref").asString("");
        return ref.startsWith("#/") ? resolve(document.at(ref.substring(1))) : node;
    }

    /**
     * Add to {@code violations} where {@code value} breaks {@code schema}: missing required properties, wrong types or
     * enum values, not exactly one {@code oneOf} match (JSON Schema rules: other properties are allowed there), and,
     * when {@code strict}, properties the schema does not name.
     */
    private void conform(JsonNode value, JsonNode schema, String where, List<String> violations, boolean strict) {
        schema = resolve(schema);
        for (JsonNode part : schema.path("allOf")) {
            conform(value, part, where, violations, strict);
        }
        if (schema.has("oneOf")) {
            List<JsonNode> matches = schema.path("oneOf").valueStream().filter(option -> {
                List<String> mismatches = new ArrayList<>();
                conform(value, option, where, mismatches, false);
                return mismatches.isEmpty();
            }).toList();
            if (matches.size() == 1) {
                conform(value, matches.get(0), where, violations, strict);
            } else {
                violations.add(where + " matches " + matches.size() + " of " + schema.path("oneOf"));
            }
        }
        Set<String> types = new TreeSet<>();
        schema.path("type").valueStream().map(JsonNode::asString).forEach(types::add);
        if (schema.path("type").isString()) {
            types.add(schema.path("type").asString());
        }
        if (!types.isEmpty() && !types.contains(type(value))
                && !(types.contains("number") && type(value).equals("integer"))) {
            violations.add(where + " is " + type(value) + ", not " + types);
        }
        if (schema.has("enum") && schema.path("enum").valueStream().noneMatch(value::equals)) {
            violations.add(where + " = " + value + " is not one of " + schema.path("enum"));
        }
        for (JsonNode required : schema.path("required")) {
            if (value.isObject() && !value.has(required.asString())) {
                violations.add(where + "." + required.asString() + " is required but missing");
            }
        }
        if (value.isObject() && schema.has("properties")) {
            for (String name : value.propertyNames()) {
                if (strict && !schema.path("properties").has(name) && !schema.has("additionalProperties")) {
                    violations.add(where + "." + name + " is not in the schema");
                }
            }
            schema.path("properties").properties().forEach(property -> {
                if (value.has(property.getKey())) {
                    conform(value.get(property.getKey()), property.getValue(), where + "." + property.getKey(),
                            violations, strict);
                }
            });
        }
        if (value.isObject() && schema.path("additionalProperties").isObject()) {
            JsonNode values = schema.path("additionalProperties");
            value.properties().forEach(e -> conform(e.getValue(), values, where + "." + e.getKey(), violations,
                    strict));
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                conform(value.get(i), schema.path("items"), where + "[" + i + "]", violations, strict);
            }
        }
    }

    private static String type(JsonNode value) {
        return switch (value.getNodeType()) {
            case OBJECT -> "object";
            case ARRAY -> "array";
            case STRING -> "string";
            case BOOLEAN -> "boolean";
            case NULL -> "null";
            case NUMBER -> value.isIntegralNumber() ? "integer" : "number";
            default -> value.getNodeType().toString();
        };
    }

    private Set<String> schemaProperties(String name) {
        JsonNode schema = document.path("components").path("schemas").path(name);
        assertThat(schema.isMissingNode()).as("schema %s", name).isFalse();
        Set<String> properties = new TreeSet<>(schema.path("properties").propertyNames());
        // A subtype of StageOutput is allOf [StageOutput, {its properties}].
        schema.path("allOf").valueStream().map(this::resolve)
                .forEach(part -> properties.addAll(part.path("properties").propertyNames()));
        return properties;
    }

    private Set<String> jsonProperties(Class<?> type) {
        Set<String> names = new TreeSet<>();
        json.acceptJsonFormatVisitor(type, new JsonFormatVisitorWrapper.Base() {
            @Override
            public JsonObjectFormatVisitor expectObjectFormat(JavaType javaType) {
                return new JsonObjectFormatVisitor.Base(getContext()) {
                    @Override
                    public void property(BeanProperty property) {
                        names.add(property.getName());
                    }

                    @Override
                    public void optionalProperty(BeanProperty property) {
                        names.add(property.getName());
                    }
                };
            }
        });
        return names;
    }

    /** Collect the service's records {@code type} holds, through lists, maps and sealed interfaces. */
    private static void collectRecords(Type type, Set<Class<?>> records) {
        if (type instanceof ParameterizedType parameterized) {
            for (Type argument : parameterized.getActualTypeArguments()) {
                collectRecords(argument, records);
            }
        } else if (type instanceof Class<?> c && c.getName().startsWith("dev.enrich.")) {
            if (c.isSealed()) {
                for (Class<?> permitted : c.getPermittedSubclasses()) {
                    collectRecords(permitted, records);
                }
            } else if (c.isRecord() && records.add(c)) {
                for (RecordComponent component : c.getRecordComponents()) {
                    collectRecords(component.getGenericType(), records);
                }
            }
        }
    }

    private static Set<String> routes(RequestMappingInfo info) {
        Set<HttpMethod> methods = new LinkedHashSet<>();
        info.getMethodsCondition().getMethods().forEach(m -> methods.add(m.asHttpMethod()));
        assertThat(methods).as("%s names its methods", info).isNotEmpty();
        Set<String> routes = new TreeSet<>();
        for (PathPattern pattern : info.getPatternsCondition().getPatterns()) {
            methods.forEach(method -> routes.add(method.name() + " " + pattern.getPatternString()));
        }
        return routes;
    }

    /** Read the method and path of each route of a router function. */
    private static final class RouteCollector implements RouterFunctions.Visitor {

        private final Set<String> routes = new TreeSet<>();
        private final List<String> prefixes = new ArrayList<>();

        static Set<String> routes(RouterFunction<?> function) {
            RouteCollector collector = new RouteCollector();
            function.accept(collector);
            return collector.routes;
        }

        @Override
        public void startNested(RequestPredicate predicate) {
            prefixes.add(PredicateReader.read(predicate).path());
        }

        @Override
        public void endNested(RequestPredicate predicate) {
            prefixes.remove(prefixes.size() - 1);
        }

        @Override
        public void route(RequestPredicate predicate,
                HandlerFunction<?> handler) {
            PredicateReader read = PredicateReader.read(predicate);
            assertThat(read.methods()).as("route %s names its methods", predicate).isNotEmpty();
            read.methods().forEach(m -> routes.add(m.name() + " " + String.join("", prefixes) + read.path()));
        }

        @Override
        public void resources(Function<ServerRequest, Mono<Resource>> lookup) {
            routes.add("GET resources " + lookup);
        }

        @Override
        public void attributes(Map<String, Object> attributes) {}

        @Override
        public void unknown(RouterFunction<?> function) {
            routes.add("unknown " + function);
        }
    }

    /** Read the methods and path a request predicate asks for. */
    private static final class PredicateReader
            implements RequestPredicates.Visitor {

        private final Set<HttpMethod> methods = new LinkedHashSet<>();
        private String path = "";

        static PredicateReader read(RequestPredicate predicate) {
            PredicateReader reader = new PredicateReader();
            predicate.accept(reader);
            return reader;
        }

        Set<HttpMethod> methods() {
            return methods;
        }

        String path() {
            return path;
        }

        @Override
        public void method(Set<HttpMethod> methods) {
            this.methods.addAll(methods);
        }

        @Override
        public void path(String pattern) {
            path = pattern;
        }

        @Override
        public void pathExtension(String extension) {}

        @Override
        public void header(String name, String value) {}

        @Override
        public void queryParam(String name, String value) {}

        @Override
        public void version(String version) {}

        @Override
        public void startAnd() {}

        @Override
        public void and() {}

        @Override
        public void endAnd() {}

        @Override
        public void startOr() {}

        @Override
        public void or() {}

        @Override
        public void endOr() {}

        @Override
        public void startNegate() {}

        @Override
        public void endNegate() {}

        @Override
        public void unknown(RequestPredicate predicate) {}
    }
}
