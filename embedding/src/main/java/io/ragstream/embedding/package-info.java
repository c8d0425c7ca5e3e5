/**
 * Turning text into tokens and vectors: the {@link io.ragstream.embedding.Tokenizer} the chunker sizes chunks with, and
 * the {@link io.ragstream.embedding.Embedder} implementations (ONNX Runtime in process, or an OpenAI-compatible endpoint)
 * the embedder and query services embed with.
 */
package io.ragstream.embedding;
