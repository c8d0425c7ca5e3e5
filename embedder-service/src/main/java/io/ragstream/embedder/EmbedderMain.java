package io.ragstream.embedder;

import io.ragstream.config.ServiceLauncher;

/** Runs the embedder: {@code EmbedderMain [config.properties]}, or the file named by {@code RAGSTREAM_CONFIG}. */
public final class EmbedderMain {

    private EmbedderMain() {}

    public static void main(String[] args) throws InterruptedException {
        ServiceLauncher.run("embedder", args, EmbedderConfig.class, EmbedderConfig.defaults(), EmbedderService::start);
    }
}
