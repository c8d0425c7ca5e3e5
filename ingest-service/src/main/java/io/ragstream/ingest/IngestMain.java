package io.ragstream.ingest;

import io.ragstream.config.ServiceLauncher;

/**
 * Runs the ingest service: {@code IngestMain [config.properties]}, or the file named by {@code RAGSTREAM_CONFIG}. The
 * one-shot jobs are {@link IngestCli}'s.
 */
public final class IngestMain {

    private IngestMain() {}

    public static void main(String[] args) throws InterruptedException {
        ServiceLauncher.run("ingest", args, IngestConfig.class, IngestConfig.defaults(), IngestService::start);
    }
}
