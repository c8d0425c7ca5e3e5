package io.ragstream.store;

import java.util.Objects;

/** A chunk with its vector, ready to be written. The vector is L2-normalised by the embedder. */
public record EmbeddedChunk(ChunkRecord chunk, float[] vector) {

    public EmbeddedChunk {
        Objects.requireNonNull(chunk, "chunk");
        Objects.requireNonNull(vector, "vector");
    }
}
