/**
 * Tokenizer and ONNX embedding model shared by the chunker (token counts) and the embedder and query service (vectors); filled by the embedding issue.
 */
package io.ragstream.embedding;
