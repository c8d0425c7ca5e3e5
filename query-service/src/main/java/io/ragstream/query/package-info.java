/**
 * The HTTP query API LLM apps call: search, context assembly with citations, document status; filled by the query issue.
 */
package io.ragstream.query;
