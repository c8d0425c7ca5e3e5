package io.ragstream.ingest.crawl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends one GET and reads at most a given number of body bytes, within one deadline for the whole exchange. It never
 * follows a redirect: the crawler checks every hop itself.
 */
final class HttpFetcher implements AutoCloseable {

    private static final byte[] NO_BODY = new byte[0];

    private final HttpClient client;
    private final String userAgent;
    private final Duration timeout;

    HttpFetcher(String userAgent, Duration timeout) {
        this.client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout)
                .build();
        this.userAgent = userAgent;
        this.timeout = timeout;
    }

    /**
     * @param headers extra request headers, e.g. {@code If-None-Match}
     * @throws RefusedException when the body is larger than {@code maxBytes}; reading stops there
     * @throws HttpTimeoutException when the exchange takes longer than the timeout
     */
    FetchResponse get(URI url, Map<String, String> headers, long maxBytes)
            throws IOException, InterruptedException, RefusedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .GET()
                .timeout(timeout)
                .header("User-Agent", userAgent)
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        headers.forEach(request::header);
        CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(
                request.build(),
                info -> info.statusCode() / 100 == 2
                        ? new LimitedBody(url, maxBytes, declaredLength(info))
                        : BodySubscribers.replacing(NO_BODY));
        try {
            HttpResponse<byte[]> response = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new FetchResponse(response.statusCode(), response.headers(), response.body());
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw timedOut(url);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
                if (cause instanceof RefusedException refused) {
                    throw new RefusedException(refused.getMessage());
                }
            }
            if (e.getCause() instanceof HttpTimeoutException) {
                throw timedOut(url); // the client's own timer for the response headers fired first
            }
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause().toString(), e.getCause());
        }
    }

    @Override
    public void close() {
        client.close();
    }

    private HttpTimeoutException timedOut(URI url) {
        return new HttpTimeoutException("no complete response from " + url + " within timeout=" + timeout);
    }

    private static long declaredLength(HttpResponse.ResponseInfo info) {
        try {
            return info.headers().firstValueAsLong("Content-Length").orElse(-1);
        } catch (NumberFormatException e) {
            return -1; // a malformed length is no reason to refuse; the bytes read are counted anyway
        }
    }

    /** Collects a body up to a limit, and cancels the download as soon as the body is known to be larger. */
    private static final class LimitedBody implements BodySubscriber<byte[]> {
        private final URI url;
        private final long maxBytes;
        private final long declaredBytes;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        LimitedBody(URI url, long maxBytes, long declaredBytes) {
            this.url = url;
            this.maxBytes = maxBytes;
            this.declaredBytes = declaredBytes;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (declaredBytes > maxBytes) {
                tooLarge("its Content-Length is " + declaredBytes);
            } else {
                subscription.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + (long) buffer.remaining() > maxBytes) {
                    tooLarge("reading stopped at the limit");
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toByteArray());
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        private void tooLarge(String what) {
            subscription.cancel();
            result.completeExceptionally(new RefusedException("response of " + url + " is larger than"
                    + " max-response-bytes=" + maxBytes + " (" + what + "); raise max-response-bytes to take it"));
        }
    }
}
