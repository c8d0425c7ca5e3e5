/**
 * Benchmarks that print ratios against the raw model limit and against peers; filled as each stage lands.
 */
package io.ragstream.bench;
