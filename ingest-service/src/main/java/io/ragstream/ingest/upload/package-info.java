/**
 * The HTTP upload API: clients send documents as JSON or multipart forms, under the tenant of their API key, and read
 * back the stage each has reached. {@link io.ragstream.ingest.upload.UploadApi} is the HTTP edge;
 * {@code UploadReader} and {@code UploadRules} turn a request into a {@link io.ragstream.model.RawDocument}.
 */
package io.ragstream.ingest.upload;
