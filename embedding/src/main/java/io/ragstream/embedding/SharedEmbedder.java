package io.ragstream.embedding;

import java.util.List;

/** One model session shared by several services in one process; closing it through a service does nothing. */
public record SharedEmbedder(Embedder embedder) implements Embedder {

    @Override
    public String modelId() {
        return embedder.modelId();
    }

    @Override
    public int dimension() {
        return embedder.dimension();
    }

    @Override
    public List<float[]> embed(List<String> texts, InputKind kind) {
        return embedder.embed(texts, kind);
    }

    @Override
    public float[] embedQuery(String query) {
        return embedder.embedQuery(query);
    }

    @Override
    public void close() {
        // The model's owner closes it.
    }
}
