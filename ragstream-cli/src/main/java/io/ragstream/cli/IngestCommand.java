package io.ragstream.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ragstream ingest <folder|file|url>}: send documents in and follow them until they are searchable. */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = "Send a folder, a file or a site (an http(s) address is crawled) to the running pipeline, then"
                + " show progress until every document is indexed, with a summary (documents, chunks, failures).")
final class IngestCommand implements Callable<Integer> {

    @Mixin
    RagstreamCli.Home home = new RagstreamCli.Home();

    @Parameters(arity = "1..*", paramLabel = "TARGET", description = "folders, files or http(s) addresses")
    List<String> targets;

    @Option(names = "--kafka", description = "Kafka (default: the running `ragstream up`)")
    String kafka;

    @Option(
            names = "--allow-address",
            description = "a private address or range a crawl may reach, e.g. 127.0.0.1/32 (refused by default)")
    List<String> allowedAddresses = new ArrayList<>();

    @Option(names = "--timeout", description = "how long to wait for indexing (default: ${DEFAULT-VALUE})")
    Duration timeout = Duration.ofMinutes(30);

    @Option(
            names = "--max-depth",
            description = "how many links a crawl follows from its seed (default: ${DEFAULT-VALUE})")
    int maxDepth = IngestAndWait.CrawlLimits.defaults().maxDepth();

    @Option(names = "--max-pages", description = "the most pages a crawl fetches (default: ${DEFAULT-VALUE})")
    int maxPages = IngestAndWait.CrawlLimits.defaults().maxPages();

    @Override
    public Integer call() throws Exception {
        LocalHome local = home.home();
        String bootstrap = kafka != null ? kafka : local.requireRunning().kafka();
        int failed = 0;
        for (String target : targets) {
            IngestAndWait.Summary summary = new IngestAndWait(local, bootstrap, System.out)
                    .run(target, new IngestAndWait.CrawlLimits(allowedAddresses, maxDepth, maxPages), timeout);
            failed += summary.failed() + summary.pending();
            if (summary.brokerLost()) {
                break;
            }
        }
        return failed > 0 ? 1 : 0;
    }
}
