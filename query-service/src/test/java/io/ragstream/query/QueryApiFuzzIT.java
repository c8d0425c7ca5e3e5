package io.ragstream.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.store.ChunkRecord;
import io.ragstream.store.LuceneVectorStore;
import io.ragstream.testkit.Schemathesis;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** schemathesis generates requests from the served OpenAPI document: no 5xx, every answer as documented. */
class QueryApiFuzzIT {

    private static final String KEY = "fuzz-key-0123456789";

    @TempDir
    Path dir;

    @Test
    void apiAnswersGeneratedRequestsAsItsOpenApiDocumentSays() throws Exception {
        // One chunk with every optional field and one without: answers must match the schema either way.
        List<ChunkRecord> chunks = List.of(
                new ChunkRecord(
                        "kb:1#v1#0",
                        "kb:1",
                        TestService.TENANT,
                        "v1",
                        "test",
                        "https://kb.test/1",
                        Optional.of("Compaction"),
                        0,
                        "A compacted topic keeps the latest value for every key.",
                        List.of("Compaction"),
                        List.of("kafka"),
                        Map.of("lang", "en"),
                        Instant.parse("2026-11-22T10:00:00Z")),
                TestService.chunk("kb:2", Optional.empty(), "Reciprocal rank fusion adds one over k plus rank."));

        // /v1/answer is on, over a stand-in chat model, so its schema is fuzzed too.
        try (FakeChatServer chat = FakeChatServer.start();
                TestService service = TestService.start(
                        new LuceneVectorStore(dir.resolve("index")),
                        chunks,
                        TestService.config("chunks", KEY).withAnswer(chat.settings()),
                        Optional.empty())) {
            String base = service.baseUrl();
            Schemathesis.Result run =
                    Schemathesis.run("The query API fuzz test", base, KEY, 40, dir.resolve("schemathesis.log"));
            String output = run.output();
            assertThat(run.finished())
                    .as("schemathesis finished; output so far:%n%s", output)
                    .isTrue();
            assertThat(run.exitValue())
                    .as("schemathesis found failures:%n%s", output)
                    .isZero();
            assertThat(output).contains("Tested: 7", "No issues found").containsPattern("[1-9][0-9]* generated");
        }
    }
}
