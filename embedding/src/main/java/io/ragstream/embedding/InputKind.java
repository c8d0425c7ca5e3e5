package io.ragstream.embedding;

/** Whether a text is a search query or a passage to be found; asymmetric models prefix them differently. */
public enum InputKind {
    QUERY,
    PASSAGE
}
