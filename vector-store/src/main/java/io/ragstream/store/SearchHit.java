package io.ragstream.store;

/**
 * One result of a search. For a dense search the score is the cosine similarity; for a hybrid search it is the fused
 * reciprocal-rank score, comparable only within one result list.
 */
public record SearchHit(ChunkRecord chunk, double score) {}
