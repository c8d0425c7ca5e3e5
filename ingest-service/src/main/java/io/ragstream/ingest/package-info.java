/**
 * Web crawler, file-system loader and HTTP upload API that publish raw documents to {@code ragstream.docs.raw}. Every
 * connector sends through a {@link io.ragstream.ingest.DocumentSink} and remembers what it published in an
 * {@link io.ragstream.ingest.IngestState}, so an unchanged document is never published twice, also across restarts.
 */
package io.ragstream.ingest;
