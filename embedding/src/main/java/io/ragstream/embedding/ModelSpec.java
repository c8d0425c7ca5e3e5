package io.ragstream.embedding;

import java.util.Objects;

/**
 * How to run one embedding model: its id (recorded with every vector), pooling, the prefixes it was trained with and the
 * most tokens it reads.
 *
 * @param maxTokens the most tokens the model reads, special tokens included (512 for BERT-like models)
 */
public record ModelSpec(String id, Pooling pooling, String queryPrefix, String passagePrefix, int maxTokens) {

    /** The default model: BAAI bge-small-en-v1.5, int8-quantized ONNX, 384 dimensions. */
    public static final ModelSpec BGE_SMALL_EN_V15_Q = new ModelSpec(
            "bge-small-en-v1.5-q", Pooling.CLS, "Represent this sentence for searching relevant passages: ", "", 512);

    public ModelSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(pooling, "pooling");
        Objects.requireNonNull(queryPrefix, "queryPrefix");
        Objects.requireNonNull(passagePrefix, "passagePrefix");
        if (maxTokens <= 2) {
            throw new IllegalArgumentException("model " + id + " maxTokens is " + maxTokens + "; it must be > 2");
        }
    }

    /** An e5 model (e.g. multilingual-e5-small, which reads Korean): mean pooling, "query: " and "passage: ". */
    public static ModelSpec e5(String id) {
        return new ModelSpec(id, Pooling.MEAN, "query: ", "passage: ", 512);
    }

    /** A sentence-transformers MiniLM model: mean pooling, no prefixes. */
    public static ModelSpec miniLm(String id) {
        return new ModelSpec(id, Pooling.MEAN, "", "", 512);
    }

    /** The prefix this model expects before a text of the given kind. */
    public String prefix(InputKind kind) {
        return switch (kind) {
            case QUERY -> queryPrefix;
            case PASSAGE -> passagePrefix;
        };
    }
}
