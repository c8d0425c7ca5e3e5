package io.ragstream.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ragstream broker}: only the embedded Kafka broker, for running the services as separate processes locally. */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description = "Run only the embedded single-node Kafka broker (data in <data-dir>/kafka) until stopped: the"
                + " services can then run as separate processes, e.g. to try scaling or crashes locally.")
final class BrokerCommand implements Callable<Integer> {

    @Mixin
    RagstreamCli.Home home = new RagstreamCli.Home();

    @Option(names = "--port", description = "the client port on 127.0.0.1 (default: ${DEFAULT-VALUE})")
    int port = 9092;

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedKafka kafka = EmbeddedKafka.start(home.home().kafka(), port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }));
        System.out.println("kafka broker listening on " + kafka.bootstrapServers() + "; Ctrl-C stops it");
        stopped.await();
        return 0;
    }
}
