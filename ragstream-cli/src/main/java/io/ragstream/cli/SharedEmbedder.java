package io.ragstream.cli;

import io.ragstream.embedding.Embedder;
import io.ragstream.embedding.InputKind;
import java.util.List;

/** The one model session shared by the embedder and the query service of {@code ragstream up}; the launcher closes it. */
record SharedEmbedder(Embedder embedder) implements Embedder {

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
        // The launcher owns the model.
    }
}
