package io.ragstream.ingest.upload;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.ragstream.config.ApiKeys;
import io.ragstream.ingest.DocumentSink;
import io.ragstream.ingest.DocumentTooLargeException;
import io.ragstream.ingest.KafkaDocumentSink;
import io.ragstream.model.ContractViolationException;
import io.ragstream.model.DocumentStatus;
import io.ragstream.model.RawDocument;
import io.ragstream.model.json.Json;
import io.ragstream.status.StatusView;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP upload API: documents in as JSON or multipart, out to {@code docs.raw} through a {@link DocumentSink}, and
 * their status back from {@code ragstream.status}. The API key decides the tenant; errors answer in one documented
 * shape, {@code {"error": {"code", "message", "field"}}}.
 */
public final class UploadApi implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UploadApi.class);
    private static final String TENANT = "ragstream.tenant";
    private static final String OPENAPI_RESOURCE = "/openapi/ragstream-ingest.yaml";
    /** Seconds a client should wait before retrying while Kafka does not acknowledge. */
    private static final String RETRY_AFTER_SECONDS = "5";
    /** Seconds a client should wait before retrying an upload refused because the service is busy. */
    private static final String BUSY_RETRY_AFTER_SECONDS = "1";
    /** Room a multipart body takes beside its file: part headers, boundaries and the small fields. */
    private static final long MULTIPART_OVERHEAD_BYTES = 64 * 1024;

    /** The answer to an upload; {@code version} is the document's content hash, as its status reports it. */
    record Published(String id, String docId, String version, String statusUrl) {}

    record Deleted(String id, String docId, String statusUrl) {}

    record Status(String id, String docId, DocumentStatus status) {}

    record ErrorResponse(Error error) {
        @JsonInclude(JsonInclude.Include.NON_ABSENT)
        record Error(String code, String message, Optional<String> field) {}
    }

    private final DocumentSink sink;
    private final Optional<StatusView> statuses;
    private final UploadRules rules;
    private final UploadReader reader;
    private final BodyLimit bodyLimit;
    /** Uploads in progress, bounded: each holds its body several times over in memory. */
    private final Semaphore uploads;

    private final int maxConcurrentUploads;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter acceptedBytes = Counter.builder("ragstream.upload.accepted")
            .baseUnit("bytes")
            .description("raw bytes of the document versions published")
            .register(registry);
    private final Counter published = Counter.builder("ragstream.upload.documents.published")
            .description("document versions published to docs.raw")
            .register(registry);
    private final Counter deleted = Counter.builder("ragstream.upload.documents.deleted")
            .description("deletions published to docs.raw")
            .register(registry);
    private final Javalin http;

    private UploadApi(UploadConfig config, DocumentSink sink, Optional<StatusView> statuses) {
        this.sink = sink;
        this.statuses = statuses;
        this.rules = new UploadRules(config);
        this.bodyLimit = BodyLimit.of(config, sink);
        this.maxConcurrentUploads = config.maxConcurrentUploads();
        this.uploads = new Semaphore(maxConcurrentUploads);
        this.reader = new UploadReader(rules, bodyLimit);
        ApiKeys keys = ApiKeys.of(config.auth().keys(), config.auth().keysFile());
        String openApi = openApiDocument();
        this.http = Javalin.create(server -> {
            server.concurrency.useVirtualThreads = true;
            server.startup.showJavalinBanner = false;
            server.jsonMapper(new JavalinJackson(Json.mapper(), true));
            // File parts go to disk past 1 MiB, and Jetty stops reading a form past the limit.
            server.jetty.multipartConfig.maxInMemoryFileSize(1, SizeUnit.MB);
            server.jetty.multipartConfig.maxFileSize(bodyLimit.bytes(), SizeUnit.BYTES);
            server.jetty.multipartConfig.maxTotalRequestSize(
                    bodyLimit.bytes() + MULTIPART_OVERHEAD_BYTES, SizeUnit.BYTES);
            server.requestLogger.http((ctx, millis) -> Timer.builder("ragstream.http.requests")
                    .tag("route", route(ctx))
                    .tag("status", Integer.toString(ctx.status().getCode()))
                    .register(registry)
                    .record((long) (millis * 1_000_000), TimeUnit.NANOSECONDS));

            server.routes.before("/v1/*", ctx -> ctx.attribute(TENANT, authenticate(ctx, keys)));
            // <id> rather than {id}: a client's ids may contain slashes (docs/guide.md).
            server.routes.post("/v1/documents", ctx -> upload(ctx, Optional.empty()));
            server.routes.put("/v1/documents/<id>", ctx -> upload(ctx, Optional.of(ctx.pathParam("id"))));
            server.routes.delete("/v1/documents/<id>", this::delete);
            server.routes.get("/v1/documents/<id>/status", this::status);

            server.routes.get("/health/live", ctx -> ctx.result("live"));
            server.routes.get("/health/ready", ctx -> {
                boolean ready =
                        statuses.map(view -> view.caughtUp() && view.reading()).orElse(true);
                ctx.status(ready ? 200 : 503)
                        .result(
                                ready
                                        ? "ready"
                                        : "the status view is still reading ragstream.status, or reading it again"
                                                + " after an error");
            });
            server.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4")
                    .result(registry.scrape()));
            server.routes.get(
                    "/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openApi));

            server.routes.exception(RequestRefusedException.class, (e, ctx) -> refused(ctx, e));
            server.routes.exception(
                    DocumentTooLargeException.class,
                    (e, ctx) -> error(ctx, 413, "payload_too_large", e.getMessage(), Optional.empty()));
            // The rules check what the contract checks; should a rule slip through, the fault is still the client's.
            server.routes.exception(
                    ContractViolationException.class,
                    (e, ctx) -> error(
                            ctx,
                            400,
                            "bad_request",
                            e.getMessage(),
                            Optional.of(e.field().replaceFirst("^\\$\\.?", "")).filter(field -> !field.isEmpty())));
            server.routes.exception(KafkaDocumentSink.PublishException.class, (e, ctx) -> {
                log.warn("upload not acknowledged route={} reason={}", route(ctx), e.getMessage());
                ctx.header("Retry-After", RETRY_AFTER_SECONDS);
                error(
                        ctx,
                        503,
                        "unavailable",
                        "Kafka did not acknowledge the document, so it is not published; retry in "
                                + RETRY_AFTER_SECONDS + " s",
                        Optional.empty());
            });
            server.routes.exception(Exception.class, (e, ctx) -> {
                String id = UUID.randomUUID().toString();
                log.error("request failed id={} route={}", id, route(ctx), e);
                error(ctx, 500, "internal", "internal error; the service log has it under id " + id, Optional.empty());
            });
            // Javalin's own answer to an unknown route is text: answer in the documented shape instead.
            server.routes.error(404, ctx -> {
                if (ctx.result() == null || !ctx.result().startsWith("{")) {
                    error(ctx, 404, "not_found", "no route " + ctx.method() + " " + ctx.path(), Optional.empty());
                }
            });
        });
    }

    /**
     * Starts the API; the sink and the status view stay the caller's to close. Without a status view the status route
     * answers 503.
     */
    public static UploadApi start(UploadConfig config, DocumentSink sink, Optional<StatusView> statuses) {
        UploadApi api = new UploadApi(config, sink, statuses);
        api.http.start(config.httpPort());
        log.info(
                "upload API started port={} source={} body-limit='{}' statuses={}",
                api.port(),
                config.source(),
                api.bodyLimit.description(),
                statuses.isPresent() ? "on" : "off");
        return api;
    }

    /** The port the API listens on. */
    public int port() {
        return http.port();
    }

    /** Stops serving; the sink and the status view are the caller's. */
    @Override
    public void close() {
        http.stop();
    }

    /**
     * {@code POST /v1/documents} (201) and {@code PUT /v1/documents/{id}} (200): reads the upload, publishes it and
     * answers with its id, docId and version. A body whose Content-Length is over the limit is refused before a byte
     * of it is read; one without (chunked) is read no further than the limit.
     */
    private void upload(Context ctx, Optional<String> pathId) throws IOException {
        if (!uploads.tryAcquire()) {
            throw new RequestRefusedException(
                    RequestRefusedException.Reason.BUSY,
                    ("%d uploads are in progress, the most this service takes at once"
                                    + " (upload.max-concurrent-uploads=%d); retry in %s s")
                            .formatted(maxConcurrentUploads, maxConcurrentUploads, BUSY_RETRY_AFTER_SECONDS),
                    Optional.empty());
        }
        try {
            readAndPublish(ctx, pathId);
        } finally {
            uploads.release();
        }
    }

    private void readAndPublish(Context ctx, Optional<String> pathId) throws IOException {
        boolean multipart = ctx.isMultipartFormData();
        long limit = multipart ? bodyLimit.bytes() + MULTIPART_OVERHEAD_BYTES : bodyLimit.bytes();
        long declared = ctx.req().getContentLengthLong();
        if (declared > limit) {
            throw bodyLimit.refusal("the request body is %,d bytes".formatted(declared));
        }
        Upload upload;
        try {
            if (multipart) {
                upload = reader.multipart(ctx);
            } else if (ctx.isJson()) {
                try (InputStream body = new LimitedInputStream(ctx.req().getInputStream(), limit)) {
                    upload = reader.json(body);
                }
            } else {
                throw RequestRefusedException.unsupportedType(
                        Optional.empty(),
                        "the request body is %s; send the document as application/json or multipart/form-data"
                                .formatted(
                                        Optional.ofNullable(ctx.contentType()).orElse("without a Content-Type")));
            }
        } catch (LimitedInputStream.TooLargeException e) {
            throw bodyLimit.refusal("the request body goes on past %,d bytes, where reading stopped".formatted(limit));
        }
        String tenant = tenant(ctx);
        String id = rules.id(pathId, upload);
        RawDocument document = rules.document(tenant, id, upload);
        sink.publish(document);
        int bytes = document.contentBytes().length;
        acceptedBytes.increment(bytes);
        published.increment();
        log.info(
                "upload published tenant={} id={} docId={} version={} contentType={} bytes={}",
                tenant,
                id,
                document.docId(),
                document.version(),
                document.contentType(),
                bytes);
        ctx.status(pathId.isPresent() ? 200 : 201)
                .json(new Published(id, document.docId(), document.version(), statusUrl(id)));
    }

    /** {@code DELETE /v1/documents/{id}} (202): publishes the document's tombstone. */
    private void delete(Context ctx) {
        String id = rules.checkedId(ctx.pathParam("id"));
        String docId = rules.docId(tenant(ctx), id);
        sink.delete(docId, tenant(ctx));
        deleted.increment();
        log.info("upload deleted tenant={} id={} docId={}", tenant(ctx), id, docId);
        ctx.status(202).json(new Deleted(id, docId, statusUrl(id)));
    }

    /** {@code GET /v1/documents/{id}/status}: the latest stage the document reached, from {@code ragstream.status}. */
    private void status(Context ctx) {
        String id = rules.checkedId(ctx.pathParam("id"));
        String tenant = tenant(ctx);
        String docId = rules.docId(tenant, id);
        StatusView view = statuses.orElseThrow(() -> new RequestRefusedException(
                RequestRefusedException.Reason.UNAVAILABLE,
                "status is off: kafka is not configured (set kafka.bootstrap.servers)",
                Optional.empty()));
        // The docId embeds the tenant, but any producer can publish under it: a status of another tenant, or one that
        // names none (a record too broken to say whose it was), is not this tenant's.
        DocumentStatus status = view.latest(docId)
                .filter(latest -> latest.tenant().equals(Optional.of(tenant)))
                .orElseThrow(() -> new RequestRefusedException(
                        RequestRefusedException.Reason.NOT_FOUND,
                        "no status yet for id '%s' (docId %s): no stage has reported it; it appears once the chunker"
                                        .formatted(id, docId)
                                + " has read the document",
                        Optional.empty()));
        ctx.json(new Status(id, docId, status));
    }

    /** {@code /v1/documents/{id}/status}, the id percent-encoded but for its slashes, which the route takes as is. */
    private static String statusUrl(String id) {
        return "/v1/documents/"
                + URLEncoder.encode(id, StandardCharsets.UTF_8)
                        .replace("+", "%20")
                        .replace("%2F", "/")
                + "/status";
    }

    private static String authenticate(Context ctx, ApiKeys keys) {
        String authorization = Optional.ofNullable(ctx.header("Authorization")).orElse("");
        String key = authorization.startsWith("Bearer ")
                ? authorization.substring("Bearer ".length()).strip()
                : Optional.ofNullable(ctx.header("X-API-Key")).orElse("").strip();
        if (key.isEmpty()) {
            throw new RequestRefusedException(
                    RequestRefusedException.Reason.UNAUTHORIZED,
                    "send an API key: Authorization: Bearer <key>, or X-API-Key: <key>",
                    Optional.empty());
        }
        return keys.tenantOf(key)
                .orElseThrow(() -> new RequestRefusedException(
                        RequestRefusedException.Reason.UNAUTHORIZED, "the API key is not known", Optional.empty()));
    }

    private static String tenant(Context ctx) {
        return ctx.attribute(TENANT);
    }

    /**
     * Answers a refusal, and counts it by reason: a client streaming an oversized body may lose the 413 to the reset of
     * a connection whose body the server stopped reading (HTTP/1.1), so the count is where the refusal always shows.
     */
    private void refused(Context ctx, RequestRefusedException e) {
        String code =
                switch (e.reason()) {
                    case INVALID -> error(ctx, 400, "bad_request", e);
                    case UNAUTHORIZED -> error(ctx, 401, "unauthorized", e);
                    case NOT_FOUND -> error(ctx, 404, "not_found", e);
                    case TOO_LARGE -> error(ctx, 413, "payload_too_large", e);
                    case UNSUPPORTED_TYPE -> error(ctx, 415, "unsupported_media_type", e);
                    case UNAVAILABLE -> error(ctx, 503, "unavailable", e);
                    case BUSY -> {
                        ctx.header("Retry-After", BUSY_RETRY_AFTER_SECONDS);
                        yield error(ctx, 503, "busy", e);
                    }
                };
        registry.counter("ragstream.upload.refused", "reason", code).increment();
    }

    private static String error(Context ctx, int status, String code, RequestRefusedException e) {
        error(ctx, status, code, e.getMessage(), e.field());
        return code;
    }

    private static void error(Context ctx, int status, String code, String message, Optional<String> field) {
        ctx.status(status).json(new ErrorResponse(new ErrorResponse.Error(code, message, field)));
    }

    private static String route(Context ctx) {
        try {
            return ctx.endpoint().path;
        } catch (RuntimeException unmatched) {
            return "unmatched";
        }
    }

    private static String openApiDocument() {
        try (InputStream in = UploadApi.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(OPENAPI_RESOURCE + " is missing from the ingest-service jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
