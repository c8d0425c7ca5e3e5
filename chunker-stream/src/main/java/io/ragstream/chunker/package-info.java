/**
 * From raw documents to chunks that fit the embedding model: parsing (jsoup, commonmark, Apache Tika), normalisation
 * and token-aware chunking as pure classes, and the Kafka Streams topology around them.
 */
package io.ragstream.chunker;
