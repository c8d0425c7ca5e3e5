package io.ragstream.ingest;

import io.ragstream.ingest.files.FileLoader;
import io.ragstream.ingest.files.FileLoaderConfig;
import io.ragstream.ingest.files.SingleFile;
import io.ragstream.model.RawDocument;
import io.ragstream.model.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * One-shot ingest jobs: {@code ingest files <dir>}, {@code ingest file <path>}, {@code ingest crawl <url>}; each prints a
 * progress line while it runs and a summary at the end, and exits 1 when a document failed. {@code ingest serve} runs the
 * long-lived service instead.
 */
@Command(
        name = "ingest",
        mixinStandardHelpOptions = true,
        description = "Publish documents to ragstream's raw documents topic.",
        subcommands = {IngestCli.Folders.class, IngestCli.OneFile.class, IngestCrawlCommand.class, IngestCli.Serve.class
        })
public final class IngestCli {

    /** Exit code when at least one document failed. */
    static final int SOME_FAILED = 1;

    public static void main(String[] args) {
        System.exit(new CommandLine(new IngestCli()).execute(args));
    }

    /** Options every job shares: where Kafka is, whose documents they are, where the job remembers what it sent. */
    static final class Common {
        @Option(
                names = "--bootstrap-servers",
                description = "Kafka (default: $KAFKA_BOOTSTRAP_SERVERS, else ${DEFAULT-VALUE})",
                defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}")
        String bootstrapServers;

        @Option(names = "--topic", description = "the raw documents topic (default: ${DEFAULT-VALUE})")
        String topic = Topics.DOCS_RAW;

        @Option(names = "--tenant", description = "the documents' tenant (default: ${DEFAULT-VALUE})")
        String tenant = "default";

        @Option(
                names = "--state-dir",
                description = "where jobs remember what they published, so unchanged documents are not sent again"
                        + " (default: ${DEFAULT-VALUE})")
        Path stateDir = Path.of(".ragstream", "ingest-state");

        @Option(
                names = "--kafka",
                description = "another Kafka producer setting, e.g. --kafka security.protocol=SSL",
                mapFallbackValue = "")
        Map<String, String> kafka = new HashMap<>();

        KafkaDocumentSink sink() {
            Map<String, Object> settings = new HashMap<>(kafka);
            settings.put("bootstrap.servers", bootstrapServers);
            // A one-shot job should fail fast when Kafka cannot be reached instead of waiting out the default minute.
            settings.putIfAbsent("max.block.ms", "30000");
            settings.putIfAbsent("delivery.timeout.ms", "60000");
            settings.putIfAbsent("request.timeout.ms", "30000");
            return new KafkaDocumentSink(settings, topic, Topics.MAX_MESSAGE_BYTES);
        }

        IngestState state(String name) {
            return IngestState.open(stateDir.resolve(name + ".json"));
        }
    }

    @Command(
            name = "files",
            mixinStandardHelpOptions = true,
            description = "Load folders: new and changed files are published, deleted ones get a tombstone;"
                    + " with --watch, keep following changes until Ctrl-C.")
    static final class Folders implements Callable<Integer> {
        @Mixin
        Common common = new Common();

        @Parameters(arity = "1..*", paramLabel = "DIR", description = "folders to load")
        List<Path> roots;

        @Option(names = "--include", description = "globs of files to load, relative to the folder (default: all)")
        List<String> include = new ArrayList<>();

        @Option(names = "--exclude", description = "globs of files to leave out (default: hidden files and folders)")
        List<String> exclude = new ArrayList<>();

        @Option(names = "--max-file-bytes", description = "larger files are skipped (default: ${DEFAULT-VALUE})")
        long maxFileBytes = FileLoaderConfig.DEFAULT_MAX_FILE_BYTES;

        @Option(
                names = "--source",
                description = "the documents' source, part of their ids (default: ${DEFAULT-VALUE})")
        String source = "files";

        @Option(names = "--watch", description = "keep watching the folders after the first scan")
        boolean watch;

        @Option(
                names = "--include-media",
                description =
                        "publish images, audio, video, fonts and style sheets too (default: skipped, and counted as such)")
        boolean includeMedia;

        @Override
        public Integer call() throws InterruptedException {
            FileLoaderConfig defaults = FileLoaderConfig.defaults();
            FileLoaderConfig config = new FileLoaderConfig(
                    roots,
                    include.isEmpty() ? defaults.include() : include,
                    exclude.isEmpty() ? defaults.exclude() : exclude,
                    maxFileBytes,
                    common.tenant,
                    source,
                    defaults.rescanInterval(),
                    defaults.settleDelay(),
                    includeMedia);
            IngestCounters counters = new IngestCounters();
            try (KafkaDocumentSink sink = common.sink();
                    IngestState state = common.state("files-" + source);
                    FileLoader loader = new FileLoader(config, sink, state, counters)) {
                try (Progress progress = new Progress(counters, "files", System.out, Duration.ofSeconds(2))) {
                    loader.scan();
                }
                if (watch) {
                    System.out.println("watching " + roots + " for changes; Ctrl-C to stop");
                    CountDownLatch stopped = new CountDownLatch(1);
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                        loader.close();
                        stopped.countDown();
                    }));
                    try (Progress progress = new Progress(counters, "files", System.out, Duration.ofSeconds(30))) {
                        loader.start();
                        stopped.await();
                    }
                }
            }
            return counters.failedCount() > 0 ? SOME_FAILED : 0;
        }
    }

    @Command(
            name = "file",
            mixinStandardHelpOptions = true,
            description = "Publish files as they are now, each under the same id the folder loader gives it.")
    static final class OneFile implements Callable<Integer> {
        @Mixin
        Common common = new Common();

        @Parameters(arity = "1..*", paramLabel = "FILE", description = "files to publish")
        List<Path> files;

        @Option(names = "--max-file-bytes", description = "larger files are refused (default: ${DEFAULT-VALUE})")
        long maxFileBytes = FileLoaderConfig.DEFAULT_MAX_FILE_BYTES;

        @Option(
                names = "--source",
                description = "the documents' source, part of their ids (default: ${DEFAULT-VALUE})")
        String source = "files";

        @Override
        public Integer call() {
            IngestCounters counters = new IngestCounters();
            try (KafkaDocumentSink sink = common.sink();
                    Progress progress = new Progress(counters, "files", System.out, Duration.ofSeconds(2))) {
                for (Path file : files) {
                    counters.seen();
                    try {
                        RawDocument document = SingleFile.document(file, common.tenant, source, maxFileBytes);
                        sink.publish(document);
                        counters.published();
                        System.out.printf(
                                "published %s docId=%s version=%s%n", file, document.docId(), document.version());
                    } catch (Exception e) {
                        counters.failed(file.toString(), String.valueOf(e.getMessage()));
                        System.out.printf("failed %s: %s%n", file, e.getMessage());
                    }
                }
            }
            return counters.failedCount() > 0 ? SOME_FAILED : 0;
        }
    }

    @Command(
            name = "serve",
            mixinStandardHelpOptions = true,
            description = "Run the ingest service: the upload API, watched folders and scheduled crawls, as configured"
                    + " by the file given as argument or RAGSTREAM_CONFIG, and RAGSTREAM_* variables.")
    static final class Serve implements Callable<Integer> {
        @Parameters(arity = "0..1", paramLabel = "CONFIG", description = "a properties file")
        Optional<Path> config = Optional.empty();

        @Override
        public Integer call() throws InterruptedException {
            IngestMain.main(config.map(path -> new String[] {path.toString()}).orElse(new String[0]));
            return 0;
        }
    }
}
