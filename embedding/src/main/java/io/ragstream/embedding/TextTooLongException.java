package io.ragstream.embedding;

/** A text has more tokens than the model reads; embedding it would silently drop its end. */
public final class TextTooLongException extends IllegalArgumentException {

    private final int index;

    public TextTooLongException(String modelId, int index, int tokens, int limit) {
        super(
                "text #%d of the batch is %d tokens, above the %d tokens model %s reads (special tokens and prefix included); cut it into smaller chunks (chunker.max-tokens)"
                        .formatted(index, tokens, limit, modelId));
        this.index = index;
    }

    /** The position of the offending text in the batch. */
    public int index() {
        return index;
    }
}
