package io.ragstream.embedding;

import java.util.List;

/** Turns texts into L2-normalised vectors of one model. Implementations are thread-safe. */
public interface Embedder extends AutoCloseable {

    /** The model's id, recorded with every vector so vectors of different models are never mixed. */
    String modelId();

    /** The length of every vector this embedder returns. */
    int dimension();

    /**
     * One vector per text, in the order given. A text too long for the model is refused with
     * {@link TextTooLongException}, never truncated silently.
     */
    List<float[]> embed(List<String> texts, InputKind kind);

    /** The vector of one search query. */
    default float[] embedQuery(String query) {
        return embed(List.of(query), InputKind.QUERY).getFirst();
    }

    @Override
    void close();
}
