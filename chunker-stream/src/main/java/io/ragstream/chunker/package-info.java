/**
 * The Kafka Streams topology from {@code ragstream.docs.raw} to {@code ragstream.chunks}: parse, normalise, chunk, tokenize; filled by the chunker issue.
 */
package io.ragstream.chunker;
