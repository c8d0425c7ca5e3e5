/**
 * Web crawler, file-system loader and HTTP upload API that publish raw documents to {@code ragstream.docs.raw}; filled by the ingest issue.
 */
package io.ragstream.ingest;
