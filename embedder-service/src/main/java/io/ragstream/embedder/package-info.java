/**
 * The embedder service: consumes {@code ragstream.chunks}, embeds chunks in batches and keeps the vector store exactly in
 * step with Kafka, committing offsets only after the store acknowledged every write.
 */
package io.ragstream.embedder;
