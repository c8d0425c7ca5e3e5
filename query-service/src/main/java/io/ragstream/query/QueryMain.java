package io.ragstream.query;

import io.ragstream.config.ServiceLauncher;

/** Runs the query API: {@code QueryMain [config.properties]}, or the file named by {@code RAGSTREAM_CONFIG}. */
public final class QueryMain {

    private QueryMain() {}

    public static void main(String[] args) throws InterruptedException {
        ServiceLauncher.run(
                "query",
                args,
                QueryConfig.class,
                QueryConfig.defaults(),
                (config, kafka) -> QueryService.start(config, kafka));
    }
}
