package io.ragstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.SimpleFileServer;
import io.ragstream.config.TopicSetup;
import io.ragstream.embedder.EmbedderConfig;
import io.ragstream.store.SearchFilter;
import io.ragstream.testkit.KafkaFixture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real documents nobody on the team wrote, through `ragstream up` and `ragstream ingest`: the Valgrind manual as Debian
 * ships it (HTML pages with their images and style sheet), a PDF specification from a Debian documentation package, and
 * Korean legal texts (the constitution and bills, from the konlpy package). The folder is loaded, then the same manual
 * is crawled over loopback. Every file ends indexed, skipped with a reason or failed with a reason; the chunks each run
 * reports are the chunks the store holds; a question per corpus finds its page.
 *
 * <p>{@code testkit/corpus/prepare.sh} fetches the corpus (CI runs it first). Short form by default: a part of each
 * corpus; the whole of it with {@code -Dcorpus.full=true}.
 */
class RealCorpusIT {

    private static final boolean FULL = Boolean.getBoolean("corpus.full");
    /** The short form's pages of the Valgrind manual: the start page, the quick start, the FAQ and a few notes. */
    private static final List<String> SHORT_PAGES = List.of(
            "index.html",
            "QuickStart.html",
            "quick-start.html",
            "FAQ.html",
            "faq.html",
            "tech-docs.html",
            "design-impl.html",
            "dist.readme-missing.html",
            "vg_basic.css");

    private static final List<String> SHORT_KOREAN =
            List.of("kolaw-constitution.txt", "kobill-1809890.txt", "kobill-1809894.txt");
    private static final String COLLECTION = EmbedderConfig.defaults().collection();

    @TempDir
    Path dir;

    @Test
    void everyRealFileEndsIndexedSkippedOrFailedWithAReasonAndEachCorpusAnswersItsQuestion() throws Exception {
        Path corpus = Corpus.prepared();
        Path folder = select(corpus, dir.resolve("corpus"));
        List<Path> files;
        try (Stream<Path> walk = Files.walk(folder)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        long images = files.stream().filter(f -> f.toString().endsWith(".png")).count();
        long styleSheets =
                files.stream().filter(f -> f.toString().endsWith(".css")).count();
        assertThat(images).as("the manual's images").isPositive();
        assertThat(styleSheets).as("the manual's style sheet").isPositive();

        KafkaFixture kafka = new KafkaFixture();
        kafka.start();
        try {
            new TopicSetup(true, 2, (short) 1).apply(Map.of("bootstrap.servers", kafka.bootstrapServers()));
            LocalHome home = new LocalHome(dir.resolve("home"));
            try (LocalPipeline pipeline =
                    LocalPipeline.start(LocalPipeline.Settings.onFreePorts(home, kafka.bootstrapServers()))) {
                Duration timeout = FULL ? Duration.ofHours(2) : Duration.ofMinutes(15);

                Output loaded = new Output();
                long start = System.nanoTime();
                IngestAndWait.Summary folderRun = new IngestAndWait(home, kafka.bootstrapServers(), loaded.stream)
                        .run(folder.toString(), List.of(), timeout);
                System.out.printf(
                        "real corpus, folder: %d files in %.0f s%n%s",
                        files.size(), (System.nanoTime() - start) / 1e9, loaded.text());
                assertEveryFileAccountedFor(folderRun, loaded, files.size(), images, styleSheets);
                assertThat(storedChunks(pipeline, "files"))
                        .as("chunks in the store from the folder, against the run's summary")
                        .isEqualTo(folderRun.chunks());

                Path manual = corpus.resolve("en/valgrind");
                HttpServer server = SimpleFileServer.createFileServer(
                        new InetSocketAddress("127.0.0.1", 0), manual, SimpleFileServer.OutputLevel.NONE);
                server.start();
                try {
                    String seed = "http://127.0.0.1:" + server.getAddress().getPort() + "/index.html";
                    IngestAndWait.CrawlLimits limits = new IngestAndWait.CrawlLimits(
                            List.of("127.0.0.1/32"), FULL ? 3 : 1, FULL ? 1000 : SHORT_PAGES.size());
                    Output crawled = new Output();
                    start = System.nanoTime();
                    IngestAndWait.Summary crawlRun = new IngestAndWait(home, kafka.bootstrapServers(), crawled.stream)
                            .run(seed, limits, timeout);
                    System.out.printf(
                            "real corpus, crawl: %.0f s%n%s", (System.nanoTime() - start) / 1e9, crawled.text());
                    assertThat(crawlRun.pending()).as(crawled.text()).isZero();
                    assertThat(crawlRun.failed()).as(crawled.text()).isZero();
                    assertThat(crawlRun.indexed())
                            .as("pages crawled: " + crawled.text())
                            .isEqualTo(crawlRun.sent())
                            .isPositive();
                    assertThat(storedChunks(pipeline, "web"))
                            .as("chunks in the store from the crawl, against the run's summary")
                            .isEqualTo(crawlRun.chunks());
                } finally {
                    server.stop(0);
                }

                QueryClient query = new QueryClient("http://127.0.0.1:" + pipeline.queryPort(), home.apiKey());
                assertAnswered(query, "How do I suppress errors that Memcheck reports?", "files", "faq.html");
                assertAnswered(
                        query,
                        "How are glob patterns weighted when matching a MIME type?",
                        "files",
                        "shared-mime-info-spec.pdf");
                assertAnswered(query, "대통령의 임기는 몇 년인가?", "files", "kolaw-constitution.txt");
                // The short crawl reaches the pages the start page links to, the licence among them.
                assertAnswered(
                        query,
                        "What is an Invariant Section under the GNU Free Documentation License?",
                        "web",
                        "license.gfdl.html");
            }
        } finally {
            kafka.stop();
        }
    }

    /** Nothing lost: every file is indexed, skipped (the images and the style sheet) or failed with its reason. */
    private static void assertEveryFileAccountedFor(
            IngestAndWait.Summary run, Output output, int files, long images, long styleSheets) {
        String text = output.text();
        assertThat(run.pending()).as(text).isZero();
        assertThat(run.skipped()).as("skipped: " + text).isEqualTo(images + styleSheets);
        assertThat(text).contains("media " + images).contains("style sheets " + styleSheets);
        // A file that cannot be read is failed without being sent: failed counts it beside the documents not indexed.
        assertThat(run.indexed() + run.skipped() + run.failed())
                .as("every file indexed, skipped or failed: " + text)
                .isEqualTo(files);
        assertThat(text.lines().filter(line -> line.startsWith("failed ")).count())
                .as("a reason per failure: " + text)
                .isEqualTo(run.failed());
        assertThat(run.indexed()).as(text).isPositive();
    }

    private static long storedChunks(LocalPipeline pipeline, String source) {
        return pipeline.store()
                .count(
                        COLLECTION,
                        new SearchFilter(
                                LocalHome.TENANT,
                                Set.of(source),
                                Set.of(),
                                Set.of(),
                                Optional.empty(),
                                Optional.empty(),
                                Optional.empty()));
    }

    /** The question's first hits (hybrid search) include the page, among the documents of that source. */
    private static void assertAnswered(QueryClient query, String question, String source, String page)
            throws Exception {
        JsonNode hits = query.search(question, 5, "hybrid", List.of(source)).get("hits");
        List<String> uris = hits.findValuesAsText("uri");
        assertThat(uris).as("%s (%s): the first hits", question, source).anySatisfy(uri -> assertThat(uri)
                .endsWith(page));
    }

    /** The short form's part of the corpus, or all of it, copied where the run may keep its state beside it. */
    private static Path select(Path corpus, Path target) throws IOException {
        if (FULL) {
            copyTree(corpus.resolve("en"), target.resolve("en"));
            copyTree(corpus.resolve("ko"), target.resolve("ko"));
            return target;
        }
        Path manual = Files.createDirectories(target.resolve("en/valgrind"));
        for (String page : SHORT_PAGES) {
            Files.copy(corpus.resolve("en/valgrind").resolve(page), manual.resolve(page));
        }
        copyTree(corpus.resolve("en/valgrind/images"), manual.resolve("images"));
        Path pdf = Files.createDirectories(target.resolve("en/pdf"));
        Files.copy(corpus.resolve("en/pdf/shared-mime-info-spec.pdf"), pdf.resolve("shared-mime-info-spec.pdf"));
        Path korean = Files.createDirectories(target.resolve("ko"));
        for (String text : SHORT_KOREAN) {
            Files.copy(corpus.resolve("ko").resolve(text), korean.resolve(text));
        }
        return target;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path copy = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** The corpus under the repository's {@code .corpus}, fetched by {@code testkit/corpus/prepare.sh} if missing. */
    static final class Corpus {
        private Corpus() {}

        static Path prepared() throws IOException, InterruptedException {
            Path root = Path.of("").toAbsolutePath().getParent();
            Path corpus = root.resolve(".corpus");
            if (Files.exists(corpus.resolve(".complete"))) {
                return corpus;
            }
            Path log = Files.createDirectories(Path.of("target")).resolve("corpus-prepare.log");
            Process prepare = new ProcessBuilder(
                            "bash", root.resolve("testkit/corpus/prepare.sh").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            boolean done = prepare.waitFor(10, TimeUnit.MINUTES);
            if (!done || prepare.exitValue() != 0) {
                prepare.destroyForcibly();
                throw new IllegalStateException("testkit/corpus/prepare.sh could not fetch the corpus: "
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            return corpus;
        }
    }
}
