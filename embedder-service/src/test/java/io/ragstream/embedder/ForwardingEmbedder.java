package io.ragstream.embedder;

import io.ragstream.embedding.Embedder;
import io.ragstream.embedding.InputKind;
import java.util.List;

/**
 * A real embedder passed through unchanged, except that closing it leaves the real one open (tests share one loaded
 * model between services); tests override the calls they want to interrupt.
 */
class ForwardingEmbedder implements Embedder {

    private final Embedder real;

    ForwardingEmbedder(Embedder real) {
        this.real = real;
    }

    @Override
    public String modelId() {
        return real.modelId();
    }

    @Override
    public int dimension() {
        return real.dimension();
    }

    @Override
    public List<float[]> embed(List<String> texts, InputKind kind) {
        return real.embed(texts, kind);
    }

    @Override
    public void close() {}
}
