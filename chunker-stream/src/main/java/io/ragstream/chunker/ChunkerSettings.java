package io.ragstream.chunker;

import io.ragstream.embedding.ModelSpec;
import io.ragstream.embedding.Tokenizer;

/**
 * How big chunks are.
 *
 * @param maxTokens the most tokens of text in one chunk, counted with the embedding model's tokenizer
 * @param overlapTokens how many tokens of the previous chunk's end a chunk repeats, in whole sentences or words
 * @param maxChunkChars the most characters in one chunk, for text the tokenizer reads as a few tokens (long unknown
 *     words become one [UNK] token)
 */
public record ChunkerSettings(int maxTokens, int overlapTokens, int maxChunkChars) {

    public static final int DEFAULT_OVERLAP_TOKENS = 32;
    public static final int DEFAULT_MAX_CHUNK_CHARS = 8192;

    public ChunkerSettings {
        if (maxTokens < 8) {
            throw new IllegalArgumentException("chunker.max-tokens is " + maxTokens + "; it must be at least 8");
        }
        if (overlapTokens < 0 || overlapTokens >= maxTokens / 2) {
            throw new IllegalArgumentException(
                    "chunker.overlap-tokens is %d; it must be between 0 and half of chunker.max-tokens=%d"
                            .formatted(overlapTokens, maxTokens));
        }
        if (maxChunkChars < maxTokens) {
            throw new IllegalArgumentException(
                    "chunker.max-chunk-chars is %d; it must be at least chunker.max-tokens=%d"
                            .formatted(maxChunkChars, maxTokens));
        }
    }

    /**
     * The largest chunks the model reads whole: its token limit less its special tokens and its passage prefix (510 for
     * bge-small-en-v1.5).
     */
    public static int modelLimit(ModelSpec model, Tokenizer tokenizer) {
        return model.maxTokens() - tokenizer.specialTokenCount() - tokenizer.count(model.passagePrefix());
    }

    /** Chunks as large as the model reads, with the default overlap. */
    public static ChunkerSettings forModel(ModelSpec model, Tokenizer tokenizer) {
        return new ChunkerSettings(modelLimit(model, tokenizer), DEFAULT_OVERLAP_TOKENS, DEFAULT_MAX_CHUNK_CHARS);
    }
}
