package io.ragstream.ingest.upload;

import static org.assertj.core.api.Assertions.assertThat;

import io.ragstream.ingest.KafkaDocumentSink;
import io.ragstream.model.Topics;
import io.ragstream.status.StatusView;
import io.ragstream.testkit.KafkaFixture;
import io.ragstream.testkit.Schemathesis;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * schemathesis generates requests from the upload API's served OpenAPI document, on a real broker: no 5xx, every answer
 * as documented. The query API is fuzzed the same way ({@code QueryApiFuzzIT}).
 */
class UploadApiFuzzIT {

    @RegisterExtension
    static final KafkaFixture kafka = new KafkaFixture();

    private static final String KEY = "fuzz-key-0123456789";

    @TempDir
    Path dir;

    @Test
    void apiAnswersGeneratedRequestsAsItsOpenApiDocumentSays() throws Exception {
        String rawTopic = kafka.uniqueName(Topics.DOCS_RAW);
        String statusTopic = kafka.uniqueName(Topics.STATUS);
        kafka.createTopics(
                new NewTopic(rawTopic, 1, (short) 1).configs(Topics.DOCS_RAW_SPEC.configs()),
                new NewTopic(statusTopic, 1, (short) 1).configs(Topics.STATUS_SPEC.configs()));
        try (KafkaDocumentSink sink =
                        new KafkaDocumentSink(kafka.producerConfig(), rawTopic, Topics.MAX_MESSAGE_BYTES);
                StatusView statuses = StatusView.start(kafka.consumerConfig("upload-fuzz"), statusTopic);
                UploadApi api = UploadApi.start(
                        UploadConfig.defaults().withHttpPort(0).withKeys("acme:" + KEY), sink, Optional.of(statuses))) {
            String base = "http://127.0.0.1:" + api.port();
            Schemathesis.Result run =
                    Schemathesis.run("The upload API fuzz test", base, KEY, 30, dir.resolve("schemathesis.log"));
            String output = run.output();
            assertThat(run.finished())
                    .as("schemathesis finished; output so far:%n%s", output)
                    .isTrue();
            assertThat(run.exitValue())
                    .as("schemathesis found failures:%n%s", output)
                    .isZero();
            // Warnings (generated bodies the API's rules refuse with 400, ids never uploaded) are not failures; every
            // generated case must pass.
            assertThat(output).contains("Tested: 7").containsPattern("([1-9][0-9]*) generated, \\1 passed");
        }
    }
}
