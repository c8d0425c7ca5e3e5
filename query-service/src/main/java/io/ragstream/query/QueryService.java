package io.ragstream.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ragstream.config.ApiKeys;
import io.ragstream.embedding.Embedder;
import io.ragstream.embedding.EmbedderOptions;
import io.ragstream.embedding.EmbeddingUnavailableException;
import io.ragstream.embedding.OnnxModel;
import io.ragstream.embedding.Tokenizer;
import io.ragstream.model.DocumentStatus;
import io.ragstream.model.json.Json;
import io.ragstream.status.StatusView;
import io.ragstream.store.ChunkRecord;
import io.ragstream.store.CollectionNotFoundException;
import io.ragstream.store.SearchHit;
import io.ragstream.store.StoreUnavailableException;
import io.ragstream.store.VectorStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API's HTTP edge: authentication, JSON in and out, errors in one documented shape. What a request does is
 * {@link QueryEngine}'s business.
 */
public final class QueryService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueryService.class);
    private static final String TENANT = "ragstream.tenant";
    private static final String OPENAPI_RESOURCE = "/openapi/ragstream-query.yaml";
    /** Seconds a client should wait before retrying while the store is unavailable. */
    private static final String RETRY_AFTER_SECONDS = "5";

    private final Javalin http;
    private final VectorStore store;
    private final Embedder embedder;
    private final Tokenizer tokenizer;
    private final Optional<StatusView> statuses;

    private QueryService(
            Javalin http, VectorStore store, Embedder embedder, Tokenizer tokenizer, Optional<StatusView> statuses) {
        this.http = http;
        this.store = store;
        this.embedder = embedder;
        this.tokenizer = tokenizer;
        this.statuses = statuses;
    }

    /** Starts on the configured store and model, reading document statuses from Kafka when it is configured. */
    public static QueryService start(QueryConfig config, Map<String, String> kafka) {
        OnnxModel model = config.model().model();
        Optional<StatusView> statuses =
                kafka.containsKey("bootstrap.servers") ? Optional.of(StatusView.start(kafka)) : Optional.empty();
        if (statuses.isEmpty()) {
            log.warn("kafka.bootstrap.servers is not set: document statuses and read-your-writes (waitFor) are off");
        }
        return start(config, config.store().open(), model.loadEmbedder(EmbedderOptions.defaults()), statuses);
    }

    /** Starts on the given store and embedder without document statuses; the service owns and closes them. */
    public static QueryService start(QueryConfig config, VectorStore store, Embedder embedder) {
        return start(config, store, embedder, Optional.empty());
    }

    /** Starts on the given store, embedder and status view, which the service then owns and closes. */
    public static QueryService start(
            QueryConfig config, VectorStore store, Embedder embedder, Optional<StatusView> statuses) {
        ApiKeys keys = ApiKeys.of(config.auth().keys(), config.auth().keysFile());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Context is counted with the tokenizer of the configured model (the default model when none is set).
        Tokenizer tokenizer = config.model().model().loadTokenizer();
        QueryEngine engine = new QueryEngine(
                embedder,
                store,
                config.collection(),
                new ContextAssembler(tokenizer),
                config.limits(),
                statuses,
                config.rerank().className().map(QueryService::reranker),
                config.rerank().candidates(),
                registry);
        Optional<ChatCompletions> chat = config.answer().endpoint().map(url -> new ChatCompletions(config.answer()));
        ObjectReader strict = Json.mapper().reader().with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        String openApi = openApiDocument();

        Javalin http = Javalin.create(server -> {
                    server.concurrency.useVirtualThreads = true;
                    server.startup.showJavalinBanner = false;
                    server.jsonMapper(new JavalinJackson(Json.mapper(), true));
                    server.requestLogger.http((ctx, millis) -> Timer.builder("ragstream.http.requests")
                            .tag("route", route(ctx))
                            .tag("status", Integer.toString(ctx.status().getCode()))
                            .register(registry)
                            .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS));

                    server.routes.before("/v1/*", ctx -> ctx.attribute(TENANT, authenticate(ctx, keys)));
                    server.routes.post(
                            "/v1/search",
                            ctx -> ctx.json(new QueryRequests.SearchResponse(
                                    engine.search(tenant(ctx), read(ctx, strict, QueryRequests.Search.class)).stream()
                                            .map(QueryRequests.Hit::of)
                                            .toList())));
                    server.routes.post(
                            "/v1/context",
                            ctx -> ctx.json(
                                    engine.context(tenant(ctx), read(ctx, strict, QueryRequests.Context.class))));
                    server.routes.post("/v1/answer", ctx -> {
                        QueryRequests.Answer request = read(ctx, strict, QueryRequests.Answer.class);
                        ChatCompletions completions = chat.orElseThrow(() -> new NotFound(
                                "answers are off in this service: set answer.endpoint to an OpenAI-compatible API"));
                        answer(ctx, engine, completions, tenant(ctx), request);
                    });
                    // <docId> rather than {docId}: document ids may contain slashes.
                    server.routes.get("/v1/documents/<docId>", ctx -> {
                        String docId = ctx.pathParam("docId");
                        List<ChunkRecord> chunks =
                                engine.document(tenant(ctx), docId).orElse(List.of());
                        Optional<DocumentStatus> status = engine.status(tenant(ctx), docId);
                        if (chunks.isEmpty() && status.isEmpty()) {
                            throw new NotFound("no document " + docId + " for this API key's tenant");
                        }
                        ctx.json(new QueryRequests.DocumentResponse(
                                docId,
                                status,
                                chunks.size(),
                                chunks.stream()
                                        .map(c -> QueryRequests.Hit.of(new SearchHit(c, 1.0)))
                                        .toList()));
                    });

                    server.routes.get("/health/live", ctx -> ctx.result("live"));
                    server.routes.get("/health/ready", ctx -> {
                        boolean ready = engine.ready();
                        ctx.status(ready ? 200 : 503)
                                .result(ready ? "ready" : "the collection is not in the store yet");
                    });
                    server.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4")
                            .result(registry.scrape()));
                    server.routes.get("/openapi.yaml", ctx -> ctx.contentType("application/yaml")
                            .result(openApi));

                    server.routes.exception(
                            BadRequestException.class,
                            (e, ctx) -> error(ctx, 400, "bad_request", e.getMessage(), e.field()));
                    server.routes.exception(
                            Unauthorized.class,
                            (e, ctx) -> error(ctx, 401, "unauthorized", e.getMessage(), Optional.empty()));
                    server.routes.exception(
                            NotFound.class, (e, ctx) -> error(ctx, 404, "not_found", e.getMessage(), Optional.empty()));
                    server.routes.exception(VersionNotReadyException.class, (e, ctx) -> {
                        if (e.failed()) {
                            error(ctx, 409, "version_failed", e.getMessage(), Optional.of("waitFor.version"));
                        } else {
                            ctx.header("Retry-After", "1");
                            error(ctx, 503, "version_pending", e.getMessage(), Optional.of("waitFor.version"));
                        }
                    });
                    server.routes.exception(
                            ChatCompletions.UpstreamException.class,
                            (e, ctx) -> error(ctx, 502, "upstream_error", e.getMessage(), Optional.empty()));
                    server.routes.exception(StoreUnavailableException.class, (e, ctx) -> unavailable(ctx, e));
                    server.routes.exception(CollectionNotFoundException.class, (e, ctx) -> {
                        ctx.header("Retry-After", RETRY_AFTER_SECONDS);
                        error(
                                ctx,
                                503,
                                "unavailable",
                                "collection " + config.collection()
                                        + " is not in the store yet: nothing has been indexed into it; retry once the"
                                        + " embedder has written documents",
                                Optional.empty());
                    });
                    server.routes.exception(EmbeddingUnavailableException.class, (e, ctx) -> unavailable(ctx, e));
                    server.routes.exception(Exception.class, (e, ctx) -> {
                        String id = UUID.randomUUID().toString();
                        log.error("request failed id={} route={}", id, route(ctx), e);
                        error(
                                ctx,
                                500,
                                "internal",
                                "internal error; the service log has it under id " + id,
                                Optional.empty());
                    });
                    // Javalin's own answer to an unknown route is text: answer in the documented shape instead.
                    server.routes.error(404, ctx -> {
                        if (ctx.result() == null || !ctx.result().startsWith("{")) {
                            error(
                                    ctx,
                                    404,
                                    "not_found",
                                    "no route " + ctx.method() + " " + ctx.path(),
                                    Optional.empty());
                        }
                    });
                })
                .start(config.httpPort());
        log.info(
                "query service started port={} collection={} model={}",
                http.port(),
                config.collection(),
                embedder.modelId());
        return new QueryService(http, store, embedder, tokenizer, statuses);
    }

    /**
     * Answers from the context: as server-sent events ({@code sources}, then {@code delta} events with text, then
     * {@code done} with the sources the answer cites), or as one JSON object when {@code stream} is false. Everything
     * that can fail before the first byte (limits, the store, the chat endpoint refusing) answers with an error body.
     */
    private static void answer(
            Context ctx, QueryEngine engine, ChatCompletions chat, String tenant, QueryRequests.Answer request)
            throws IOException {
        AssembledContext context = engine.assemble(tenant, request, request.maxTokens(), new ArrayList<>());
        try (ChatCompletions.Completion completion = chat.open(Answers.prompt(request.query(), context))) {
            StringBuilder answer = new StringBuilder();
            if (Boolean.FALSE.equals(request.stream())) {
                Optional<String> finish = completion.forEachText(answer::append);
                ctx.json(new QueryRequests.AnswerResponse(
                        Optional.of(answer.toString()),
                        Answers.cited(answer.toString(), context.sources()),
                        context.sources(),
                        finish));
                return;
            }
            ctx.res().setContentType("text/event-stream;charset=utf-8");
            ctx.res().setHeader("Cache-Control", "no-cache");
            ctx.res().setHeader("X-Accel-Buffering", "no");
            OutputStream out = ctx.res().getOutputStream();
            event(out, "sources", Map.of("sources", context.sources()));
            try {
                Optional<String> finish = completion.forEachText(text -> {
                    answer.append(text);
                    event(out, "delta", Map.of("text", text));
                });
                event(
                        out,
                        "done",
                        new QueryRequests.AnswerResponse(
                                Optional.empty(),
                                Answers.cited(answer.toString(), context.sources()),
                                context.sources(),
                                finish));
            } catch (ChatCompletions.UpstreamException e) {
                log.warn("answer stream broke off: {}", e.getMessage());
                event(out, "error", QueryRequests.ErrorResponse.of("upstream_error", e.getMessage(), Optional.empty()));
            } catch (UncheckedIOException clientGone) {
                log.info("the client closed the answer stream before its end");
            }
        }
    }

    private static void event(OutputStream out, String name, Object data) {
        try {
            out.write(("event: " + name + "\ndata: " + Json.mapper().writeValueAsString(data) + "\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the client went away", e);
        }
    }

    private static Reranker reranker(String className) {
        try {
            return Class.forName(className)
                    .asSubclass(Reranker.class)
                    .getConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalArgumentException(
                    "rerank.class-name=" + className + " is not a Reranker with a public no-argument constructor on"
                            + " the class path: " + e,
                    e);
        }
    }

    /** The port the API listens on. */
    public int port() {
        return http.port();
    }

    @Override
    public void close() {
        http.stop();
        statuses.ifPresent(StatusView::close);
        store.close();
        embedder.close();
        tokenizer.close();
    }

    private static String authenticate(Context ctx, ApiKeys keys) {
        String authorization = Optional.ofNullable(ctx.header("Authorization")).orElse("");
        String key = authorization.startsWith("Bearer ")
                ? authorization.substring("Bearer ".length()).strip()
                : Optional.ofNullable(ctx.header("X-API-Key")).orElse("").strip();
        if (key.isEmpty()) {
            throw new Unauthorized("send an API key: Authorization: Bearer <key>, or X-API-Key: <key>");
        }
        return keys.tenantOf(key).orElseThrow(() -> new Unauthorized("the API key is not known"));
    }

    private static String tenant(Context ctx) {
        return ctx.attribute(TENANT);
    }

    private static <T> T read(Context ctx, ObjectReader strict, Class<T> type) {
        try {
            T body = strict.forType(type).readValue(ctx.body());
            if (body == null) {
                throw new BadRequestException("the request body is empty; send a JSON object", Optional.empty());
            }
            return body;
        } catch (UnrecognizedPropertyException e) {
            throw BadRequestException.field(
                    path(e), "unknown field '" + path(e) + "'; the fields are " + e.getKnownPropertyIds());
        } catch (MismatchedInputException e) {
            throw BadRequestException.field(
                    path(e),
                    "field '" + path(e) + "' has the wrong type: "
                            + e.getOriginalMessage().replaceAll("\\s+at \\[.*", ""));
        } catch (JsonProcessingException e) {
            throw new BadRequestException(
                    "the request body is not valid JSON: " + e.getOriginalMessage(), Optional.empty());
        }
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    private static void unavailable(Context ctx, RuntimeException e) {
        log.warn("unavailable route={} reason={}", route(ctx), e.getMessage());
        ctx.header("Retry-After", RETRY_AFTER_SECONDS);
        error(
                ctx,
                503,
                "unavailable",
                "the vector store or the model is not answering; retry in " + RETRY_AFTER_SECONDS + " s",
                Optional.empty());
    }

    private static void error(Context ctx, int status, String code, String message, Optional<String> field) {
        ctx.status(status).json(QueryRequests.ErrorResponse.of(code, message, field));
    }

    private static String route(Context ctx) {
        try {
            return ctx.endpoint().path;
        } catch (RuntimeException unmatched) {
            return "unmatched";
        }
    }

    private static String openApiDocument() {
        try (InputStream in = QueryService.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the query-service jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** No key, or an unknown one. */
    static final class Unauthorized extends RuntimeException {
        Unauthorized(String message) {
            super(message);
        }
    }

    /** No such document for this tenant, or a route that is switched off. */
    static final class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }
}
