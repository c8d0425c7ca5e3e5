package io.ragstream.embedding;

/**
 * The tokens of one text: ids, token type ids, and the character span in the text that each token came from (special
 * tokens span nothing: start == end).
 */
public record Tokens(long[] ids, long[] typeIds, int[] starts, int[] ends) {

    public Tokens {
        if (typeIds.length != ids.length || starts.length != ids.length || ends.length != ids.length) {
            throw new IllegalArgumentException("ids, typeIds, starts and ends must have one entry per token");
        }
    }

    public int size() {
        return ids.length;
    }
}
