package io.ragstream.query;

import io.ragstream.embedding.ModelConfig;
import io.ragstream.store.StoreConfig;
import java.util.Optional;

/**
 * The query service's settings; every key can be set in a properties file or as {@code RAGSTREAM_<KEY>}.
 *
 * @param collection the collection or alias searched; the embedder writes it
 */
public record QueryConfig(
        int httpPort,
        String collection,
        Auth auth,
        Limits limits,
        StoreConfig store,
        ModelConfig model,
        Rerank rerank,
        Answer answer) {

    /**
     * API keys, each mapped to the one tenant it may read.
     *
     * @param keys {@code tenant:key} pairs separated by commas
     * @param keysFile a properties file of {@code key=tenant} lines
     */
    public record Auth(String keys, Optional<String> keysFile) {}

    /**
     * Request limits; a request over one gets a 400 naming the field.
     *
     * @param defaultWaitMs how long a read-your-writes request waits for its version when it does not say
     */
    public record Limits(
            int maxQueryChars,
            int defaultTopK,
            int maxTopK,
            int defaultContextTokens,
            int maxContextTokens,
            int maxFilterValues,
            int defaultWaitMs,
            int maxWaitMs) {}

    /**
     * An optional second ranking of the candidates.
     *
     * @param className a {@link Reranker} with a public no-argument constructor, on the class path; empty for none
     * @param candidates how many candidates the store returns for it to rank (at least the request's topK)
     */
    public record Rerank(Optional<String> className, int candidates) {
        public Rerank {
            className = className == null ? Optional.empty() : className.filter(name -> !name.isBlank());
        }
    }

    /**
     * {@code POST /v1/answer}: an OpenAI-compatible chat completions endpoint answering from the context. Off while
     * {@code endpoint} is empty.
     *
     * @param endpoint the API's base URL, e.g. {@code https://api.openai.com/v1} or {@code http://localhost:11434/v1}
     * @param apiKey sent as a bearer token when set
     * @param maxAnswerTokens the completion's {@code max_tokens}
     * @param timeoutSeconds how long the endpoint may take to start answering
     */
    public record Answer(
            Optional<String> endpoint, String model, Optional<String> apiKey, int maxAnswerTokens, int timeoutSeconds) {
        public Answer {
            endpoint = endpoint == null ? Optional.empty() : endpoint.filter(url -> !url.isBlank());
            apiKey = apiKey == null ? Optional.empty() : apiKey.filter(key -> !key.isBlank());
        }
    }

    public static QueryConfig defaults() {
        return new QueryConfig(
                8080,
                "ragstream_chunks",
                new Auth("", Optional.empty()),
                new Limits(2_000, 10, 100, 2_000, 16_000, 100, 10_000, 30_000),
                StoreConfig.defaults(),
                ModelConfig.defaults(),
                new Rerank(Optional.empty(), 50),
                new Answer(Optional.empty(), "gpt-4o-mini", Optional.empty(), 512, 60));
    }

    public QueryConfig withHttpPort(int port) {
        return new QueryConfig(port, collection, auth, limits, store, model, rerank, answer);
    }

    public QueryConfig withCollection(String name) {
        return new QueryConfig(httpPort, name, auth, limits, store, model, rerank, answer);
    }

    /** The same settings with {@code auth.keys} replaced. */
    public QueryConfig withKeys(String keys) {
        return new QueryConfig(
                httpPort, collection, new Auth(keys, auth.keysFile()), limits, store, model, rerank, answer);
    }

    public QueryConfig withRerank(Rerank value) {
        return new QueryConfig(httpPort, collection, auth, limits, store, model, value, answer);
    }

    public QueryConfig withAnswer(Answer value) {
        return new QueryConfig(httpPort, collection, auth, limits, store, model, rerank, value);
    }
}
