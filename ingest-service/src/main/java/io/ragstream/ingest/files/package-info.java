/**
 * The file-system loader: publishes the files under configured root directories, once or continuously as they change,
 * and a tombstone for each file that disappears.
 */
package io.ragstream.ingest.files;
