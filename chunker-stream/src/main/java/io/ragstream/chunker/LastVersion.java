package io.ragstream.chunker;

/** The version of a document the chunker last emitted chunks for, kept in a state store keyed by docId. */
record LastVersion(String version, int chunkCount) {}
