package io.ragstream.embedding;

/** A text has more tokens than the model reads; embedding it would silently drop its end. */
public final class TextTooLongException extends IllegalArgumentException {

    private final String modelId;
    private final int index;
    private final int tokens;
    private final int limit;

    public TextTooLongException(String modelId, int index, int tokens, int limit) {
        super(
                "text #%d of the batch is %d tokens, above the %d tokens model %s reads (special tokens and prefix included); cut it into smaller chunks (chunker.max-tokens)"
                        .formatted(index, tokens, limit, modelId));
        this.modelId = modelId;
        this.index = index;
        this.tokens = tokens;
        this.limit = limit;
    }

    /** The position of the offending text in the batch. */
    public int index() {
        return index;
    }

    /** The same refusal for the text at another position, for a caller that embedded part of its own batch. */
    public TextTooLongException atIndex(int position) {
        return new TextTooLongException(modelId, position, tokens, limit);
    }
}
