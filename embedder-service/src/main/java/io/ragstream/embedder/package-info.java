/**
 * Consumes {@code ragstream.chunks}, embeds in batches and keeps the vector store exactly in step with Kafka; filled by the embedder issue.
 */
package io.ragstream.embedder;
