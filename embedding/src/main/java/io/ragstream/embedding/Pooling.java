package io.ragstream.embedding;

/** How a model's per-token outputs become one vector. Each model is trained for one; the wrong one degrades quality. */
public enum Pooling {
    /** The first token's output ([CLS]): bge models. */
    CLS,
    /** The attention-masked mean of every token's output: MiniLM and e5 models. */
    MEAN
}
