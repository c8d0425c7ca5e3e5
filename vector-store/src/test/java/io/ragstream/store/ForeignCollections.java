package io.ragstream.store;

import io.milvus.v2.client.MilvusClientV2;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import java.util.List;

/**
 * Milvus collections that record a ragstream spec but were not made by this version of the store (an earlier ragstream,
 * or a hand-made one), written with the raw client, to check what the store does with them.
 */
final class ForeignCollections {

    private ForeignCollections() {}

    /**
     * A collection with a key, a vector, and optionally a tenant partition key and a sequence field.
     *
     * @param tenantPartitionKey whether to add a {@code tenant} field as the partition key
     * @param sequence whether to add the {@code sequence} field the store needs
     */
    static void create(
            MilvusClientV2 client, String name, CollectionSpec spec, boolean tenantPartitionKey, boolean sequence) {
        CreateCollectionReq.CollectionSchema schema =
                CreateCollectionReq.CollectionSchema.builder().build();
        schema.addField(AddFieldReq.builder()
                .fieldName(ChunkFields.CHUNK_ID)
                .dataType(DataType.VarChar)
                .maxLength(64)
                .isPrimaryKey(true)
                .build());
        if (tenantPartitionKey) {
            schema.addField(AddFieldReq.builder()
                    .fieldName(ChunkFields.TENANT)
                    .dataType(DataType.VarChar)
                    .maxLength(64)
                    .isPartitionKey(true)
                    .build());
        }
        if (sequence) {
            schema.addField(AddFieldReq.builder()
                    .fieldName(ChunkFields.SEQUENCE)
                    .dataType(DataType.Int64)
                    .build());
        }
        schema.addField(AddFieldReq.builder()
                .fieldName(ChunkFields.EMBEDDING)
                .dataType(DataType.FloatVector)
                .dimension(spec.dimension())
                .build());
        client.createCollection(CreateCollectionReq.builder()
                .collectionName(name)
                .collectionSchema(schema)
                .indexParams(List.of(IndexParam.builder()
                        .fieldName(ChunkFields.EMBEDDING)
                        .indexType(IndexParam.IndexType.AUTOINDEX)
                        .metricType(IndexParam.MetricType.COSINE)
                        .build()))
                .properties(CollectionSpecs.toProperties(spec))
                .build());
    }
}
