package io.ragstream.chunker;

import io.ragstream.config.ServiceLauncher;

/** Runs the chunker: {@code ChunkerMain [config.properties]}, or the file named by {@code RAGSTREAM_CONFIG}. */
public final class ChunkerMain {

    private ChunkerMain() {}

    public static void main(String[] args) throws InterruptedException {
        ServiceLauncher.run("chunker", args, ChunkerConfig.class, ChunkerConfig.defaults(), ChunkerService::start);
    }
}
