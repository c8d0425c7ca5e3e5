/**
 * The query service LLM apps call: search, and context assembled to a token budget with numbered citations. The
 * assembly is a pure class ({@link io.ragstream.query.ContextAssembler}); the HTTP API is a thin edge around it.
 */
package io.ragstream.query;
