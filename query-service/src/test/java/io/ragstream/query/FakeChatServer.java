package io.ragstream.query;

import com.sun.net.httpserver.HttpServer;
import io.ragstream.model.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A local server speaking the OpenAI chat completions streaming protocol with a fixed answer: no chat model ships in a
 * package registry the tests can use, so this plays one. It records the last request and can be told to fail.
 */
final class FakeChatServer implements AutoCloseable {

    static final List<String> ANSWER = List.of("A compacted topic keeps ", "the latest value ", "for every key [1].");

    private final HttpServer server;
    private final AtomicReference<String> lastRequest = new AtomicReference<>();
    private final AtomicInteger status = new AtomicInteger(200);

    private FakeChatServer(HttpServer server) {
        this.server = server;
    }

    static FakeChatServer start() {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            FakeChatServer fake = new FakeChatServer(http);
            http.createContext("/v1/chat/completions", exchange -> {
                fake.lastRequest.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                if (fake.status.get() != 200) {
                    byte[] body = "{\"error\":{\"message\":\"model overloaded\"}}".getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(fake.status.get(), body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                    return;
                }
                exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(data("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}"));
                    for (String piece : ANSWER) {
                        out.write(data("{\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                                + Json.mapper().writeValueAsString(piece) + "}}]}"));
                        out.flush();
                    }
                    out.write(data("{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"));
                    out.write(data("[DONE]"));
                }
            });
            http.start();
            return fake;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The settings of {@code /v1/answer} pointing at this server. */
    QueryConfig.Answer settings() {
        return new QueryConfig.Answer(
                Optional.of("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/"),
                "test-model",
                Optional.of("sk-test"),
                256,
                10);
    }

    String lastRequest() {
        return lastRequest.get();
    }

    /** Answers every request with this HTTP status (an error body) until set back to 200. */
    void failWith(int code) {
        status.set(code);
    }

    private static byte[] data(String json) {
        return ("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
