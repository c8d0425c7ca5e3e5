/** Reading {@code ragstream.status}: the latest stage of every document, and waiting for a version to be indexed. */
package io.ragstream.status;
