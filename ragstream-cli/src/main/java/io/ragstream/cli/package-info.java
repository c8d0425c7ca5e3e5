/**
 * The {@code ragstream} command: the whole pipeline in one JVM on embedded defaults, plus ingest, query and status; filled by the launcher issue.
 */
package io.ragstream.cli;
