package io.ragstream.chunker;

import io.ragstream.model.Topics;
import io.ragstream.model.json.ChunkMessageSerde;
import io.ragstream.model.json.DocumentStatusSerde;
import io.ragstream.model.json.JsonSerde;
import java.time.Clock;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

/**
 * The chunker's Kafka Streams topology: {@code docs.raw} → validate, skip unchanged, parse, chunk → {@code chunks}; and
 * {@code status} → a global store of the versions a later stage failed, which are not skipped when published again.
 */
public final class ChunkerTopology {

    /** Last version chunked per docId, with a changelog so it survives restarts and moves with its partition. */
    static final String VERSIONS_STORE = "chunker-last-versions";

    /** The versions a later stage failed, from {@code ragstream.status} (a global store: its topic is its changelog). */
    static final String FAILURES_STORE = "chunker-downstream-failures";

    private ChunkerTopology() {}

    public static Topology build(DocumentChunking chunking, Clock clock) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(VERSIONS_STORE), Serdes.String(), new JsonSerde<>(LastVersion.class)));
        // A global store, apart from the tasks that chunk: the versions the embedder failed, read by every instance.
        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(
                                Stores.persistentKeyValueStore(FAILURES_STORE),
                                Serdes.String(),
                                new DocumentStatusSerde())
                        .withLoggingDisabled(),
                Topics.STATUS,
                Consumed.with(Serdes.String(), Serdes.ByteArray()),
                DownstreamFailures::new);

        Map<String, KStream<String, Outcome>> outcomes = builder.stream(
                        Topics.DOCS_RAW, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .process(() -> new ChunkingProcessor(chunking, clock), Named.as("chunk"), VERSIONS_STORE)
                .split(Named.as("to-"))
                .branch((docId, outcome) -> outcome instanceof Outcome.Chunks, Branched.as("chunks"))
                .branch((docId, outcome) -> outcome instanceof Outcome.DeadLetter, Branched.as("dead-letters"))
                .defaultBranch(Branched.as("status"));

        outcomes.get("to-chunks")
                .mapValues(outcome -> ((Outcome.Chunks) outcome).message())
                .to(Topics.CHUNKS, Produced.with(Serdes.String(), new ChunkMessageSerde()));
        outcomes.get("to-dead-letters")
                .mapValues(outcome -> ((Outcome.DeadLetter) outcome).original())
                .to(Topics.DOCS_DLQ, Produced.with(Serdes.String(), Serdes.ByteArray()));
        outcomes.get("to-status")
                .mapValues(outcome -> ((Outcome.Status) outcome).status())
                .to(Topics.STATUS, Produced.with(Serdes.String(), new DocumentStatusSerde()));
        return builder.build();
    }
}
