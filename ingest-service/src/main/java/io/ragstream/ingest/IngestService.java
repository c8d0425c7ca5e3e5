package io.ragstream.ingest;

import io.ragstream.ingest.crawl.CrawlSummary;
import io.ragstream.ingest.crawl.Crawler;
import io.ragstream.ingest.files.FileLoader;
import io.ragstream.ingest.upload.UploadApi;
import io.ragstream.model.Topics;
import io.ragstream.status.StatusView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-lived ingest service: the upload API, the configured folders watched, the configured site crawled now and
 * every interval, all publishing through one idempotent producer.
 */
public final class IngestService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IngestService.class);

    private final KafkaDocumentSink sink;
    private final Optional<StatusView> statuses;
    private final Optional<UploadApi> upload;
    private final Optional<FileLoader> files;
    private final Optional<ScheduledExecutorService> crawls;
    private final List<IngestState> states;

    private IngestService(
            KafkaDocumentSink sink,
            Optional<StatusView> statuses,
            Optional<UploadApi> upload,
            Optional<FileLoader> files,
            Optional<ScheduledExecutorService> crawls,
            List<IngestState> states) {
        this.sink = sink;
        this.statuses = statuses;
        this.upload = upload;
        this.files = files;
        this.crawls = crawls;
        this.states = states;
    }

    /** Creates the topics if configured to, then starts every configured part. */
    public static IngestService start(IngestConfig config, Map<String, String> kafka) {
        config.topics().apply(kafka);
        KafkaDocumentSink sink = new KafkaDocumentSink(kafka, Topics.DOCS_RAW, Topics.MAX_MESSAGE_BYTES);
        Path stateDir = Path.of(config.stateDirectory());
        List<IngestState> states = new ArrayList<>();

        Optional<StatusView> statuses = Optional.empty();
        Optional<UploadApi> upload = Optional.empty();
        if (config.uploadConfigured()) {
            statuses = Optional.of(StatusView.start(kafka));
            upload = Optional.of(UploadApi.start(config.upload(), sink, statuses));
        }

        Optional<FileLoader> files = Optional.empty();
        if (!IngestConfig.split(config.files().roots()).isEmpty()) {
            IngestState state =
                    IngestState.open(stateDir.resolve("files-" + config.files().source() + ".json"));
            states.add(state);
            FileLoader loader =
                    new FileLoader(config.files().loaderConfig(config.tenant()), sink, state, new IngestCounters());
            loader.start();
            files = Optional.of(loader);
            log.info("ingest watching folders {}", config.files().roots());
        }

        Optional<ScheduledExecutorService> crawls = Optional.empty();
        if (config.crawl().configured()) {
            IngestState state =
                    IngestState.open(stateDir.resolve("crawl-" + config.crawl().source() + ".json"));
            states.add(state);
            var crawlConfig = config.crawl().crawlConfig(config.tenant());
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("ingest-crawl").factory());
            timer.scheduleWithFixedDelay(
                    () -> {
                        try (Crawler crawler = new Crawler(crawlConfig, sink, state, new IngestCounters())) {
                            CrawlSummary summary = crawler.crawl();
                            log.info("ingest crawl done {}", summary);
                        } catch (RuntimeException e) {
                            log.error("ingest crawl failed: {}", e.toString(), e);
                        }
                    },
                    0,
                    config.crawl().interval().toMillis(),
                    TimeUnit.MILLISECONDS);
            crawls = Optional.of(timer);
            log.info(
                    "ingest crawling {} every {}",
                    config.crawl().seeds(),
                    config.crawl().interval());
        }
        if (upload.isEmpty() && files.isEmpty() && crawls.isEmpty()) {
            sink.close();
            throw new IllegalArgumentException(
                    "ingest has nothing to do: set upload.auth.keys (tenant:key,...) to serve"
                            + " the upload API, files.roots to watch folders, or crawl.seeds to crawl a site");
        }
        upload.ifPresent(api -> log.info("ingest upload API on port {}", api.port()));
        return new IngestService(sink, statuses, upload, files, crawls, states);
    }

    /** The upload API's port, when it runs. */
    public Optional<Integer> uploadPort() {
        return upload.map(UploadApi::port);
    }

    @Override
    public void close() {
        upload.ifPresent(UploadApi::close);
        files.ifPresent(FileLoader::close);
        crawls.ifPresent(timer -> {
            timer.shutdownNow();
            try {
                timer.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        states.forEach(IngestState::close);
        statuses.ifPresent(StatusView::close);
        sink.close();
    }
}
