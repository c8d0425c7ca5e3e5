package io.ragstream.ingest.crawl;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.ragstream.model.Ids;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A web site on 127.0.0.1 for crawler tests: paths answer what the test put there (unknown paths 404), every 200 answer
 * carries an ETag and honours {@code If-None-Match}, and every request is recorded.
 */
final class TestSite implements AutoCloseable {

    /** What one path answers. */
    record Resource(int status, String contentType, byte[] body, Map<String, String> headers, Duration delay) {

        static Resource html(String html) {
            return html(html, StandardCharsets.UTF_8);
        }

        static Resource html(String html, Charset charset) {
            return new Resource(200, "text/html", html.getBytes(charset), Map.of(), Duration.ZERO);
        }

        static Resource of(String contentType, byte[] body) {
            return new Resource(200, contentType, body, Map.of(), Duration.ZERO);
        }

        static Resource text(String contentType, String body) {
            return of(contentType, body.getBytes(StandardCharsets.UTF_8));
        }

        static Resource redirect(int status, String location) {
            return new Resource(status, "text/plain", new byte[0], Map.of("Location", location), Duration.ZERO);
        }

        static Resource status(int status) {
            return new Resource(
                    status, "text/plain", ("HTTP " + status).getBytes(StandardCharsets.UTF_8), Map.of(), Duration.ZERO);
        }

        /** The same answer, sent with chunked transfer encoding (no Content-Length). */
        Resource chunked() {
            return new Resource(status, contentType, body, Map.of("Transfer-Encoding", "chunked"), delay);
        }

        /** The same answer, after a pause. */
        Resource after(Duration pause) {
            return new Resource(status, contentType, body, headers, pause);
        }

        String etag() {
            return "\"" + Ids.contentHash(body).substring(0, 16) + "\"";
        }
    }

    /** One request the site received. */
    record Request(String path, Optional<String> ifNoneMatch, String userAgent) {}

    private final HttpServer server;
    private final Map<String, Resource> resources = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    TestSite() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::answer);
        server.start();
    }

    /** {@code http://127.0.0.1:<port>} followed by the path. */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    TestSite put(String path, Resource resource) {
        resources.put(path, resource);
        return this;
    }

    TestSite page(String path, String title, String body) {
        return put(
                path, Resource.html("<html><head><title>" + title + "</title></head><body>" + body + "</body></html>"));
    }

    void remove(String path) {
        resources.remove(path);
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<String> requestedPaths() {
        return requests.stream().map(Request::path).toList();
    }

    void forgetRequests() {
        requests.clear();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            Optional<String> ifNoneMatch =
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst("If-None-Match"));
            requests.add(
                    new Request(path, ifNoneMatch, exchange.getRequestHeaders().getFirst("User-Agent")));
            Resource resource = resources.getOrDefault(path, Resource.status(404));
            if (!resource.delay().isZero()) {
                try {
                    Thread.sleep(resource.delay());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            exchange.getResponseHeaders().set("Content-Type", resource.contentType());
            resource.headers().forEach((name, value) -> {
                if (!name.equals("Transfer-Encoding")) {
                    exchange.getResponseHeaders().set(name, value);
                }
            });
            if (resource.status() == 200) {
                exchange.getResponseHeaders().set("ETag", resource.etag());
                if (ifNoneMatch.filter(resource.etag()::equals).isPresent()) {
                    exchange.sendResponseHeaders(304, -1);
                    return;
                }
            }
            boolean chunked = resource.headers().containsKey("Transfer-Encoding");
            byte[] body = resource.body();
            exchange.sendResponseHeaders(resource.status(), body.length == 0 ? -1 : chunked ? 0 : body.length);
            if (body.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }
}
