package io.ragstream.ingest.crawl;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

/**
 * Sends one GET and reads at most a given number of body bytes, within one deadline for the whole exchange. It never
 * follows a redirect: the crawler checks every hop itself. Names are resolved through the {@link AddressGuard}, so the
 * client connects only to addresses checked in the lookup it connects with (no DNS rebinding between check and connect).
 */
final class HttpFetcher implements AutoCloseable {

    private static final byte[] NO_BODY = new byte[0];
    private static final long READ_STEP = 64 * 1024;

    private final OkHttpClient client;
    private final String userAgent;
    private final Duration timeout;

    HttpFetcher(String userAgent, Duration timeout, AddressGuard guard) {
        this.client = new OkHttpClient.Builder()
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false)
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .callTimeout(timeout)
                .dns(guard::connectable)
                .build();
        this.userAgent = userAgent;
        this.timeout = timeout;
    }

    /**
     * @param headers extra request headers, e.g. {@code If-None-Match}
     * @throws RefusedException when the host resolves to a refused address, or the body is larger than
     *     {@code maxBytes} (reading stops there)
     * @throws HttpTimeoutException when the exchange takes longer than the timeout
     */
    FetchResponse get(URI url, Map<String, String> headers, long maxBytes)
            throws IOException, InterruptedException, RefusedException {
        Request.Builder request = new Request.Builder()
                .url(url.toString())
                .get()
                .header("User-Agent", userAgent)
                .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8");
        headers.forEach(request::header);
        Call call = client.newCall(request.build());
        try (Response response = call.execute()) {
            byte[] body = response.isSuccessful() ? read(url, response.body(), maxBytes) : NO_BODY;
            return new FetchResponse(response.code(), headers(response), body);
        } catch (IOException e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof AddressGuard.Refused refused) {
                    throw new RefusedException(refused.getMessage());
                }
            }
            if (e instanceof InterruptedIOException) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("fetch of " + url + " interrupted");
                }
                throw new HttpTimeoutException("no complete response from " + url + " within timeout=" + timeout);
            }
            throw e;
        }
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    /** The body up to the limit: refused from its Content-Length, or as soon as more than the limit arrives. */
    private static byte[] read(URI url, ResponseBody body, long maxBytes) throws IOException, RefusedException {
        if (body == null) {
            return NO_BODY;
        }
        long declared = body.contentLength();
        if (declared > maxBytes) {
            throw tooLarge(url, maxBytes, "its Content-Length is " + declared);
        }
        BufferedSource source = body.source();
        Buffer bytes = new Buffer();
        while (source.read(bytes, READ_STEP) != -1) {
            if (bytes.size() > maxBytes) {
                throw tooLarge(url, maxBytes, "reading stopped at the limit");
            }
        }
        return bytes.readByteArray();
    }

    private static RefusedException tooLarge(URI url, long maxBytes, String what) {
        return new RefusedException("response of " + url + " is larger than max-response-bytes=" + maxBytes + " ("
                + what + "); raise max-response-bytes to take it");
    }

    private static HttpHeaders headers(Response response) {
        Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String name : response.headers().names()) {
            byName.put(name, response.headers(name));
        }
        return HttpHeaders.of(byName, (name, value) -> true);
    }
}
