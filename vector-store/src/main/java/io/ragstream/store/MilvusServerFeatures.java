package io.ragstream.store;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Milvus server offers of what ragstream's collections use, told by its version.
 *
 * @param textSearch BM25 functions, text analyzers and nullable fields (Milvus 2.5 and later): hybrid search needs them
 * @param partitionKeyUpserts whether upserts into a collection with a partition key keep every row; Milvus 2.3 loses
 *     them (100 rows of 2 tenants upserted, a filter on the tenant found 2 of the 50 it should), so there the tenant is
 *     an ordinary field
 * @param describesAliasTarget whether describing an alias answers its collection's name; Milvus 2.3 answers the alias's
 */
record MilvusServerFeatures(
        String version, boolean textSearch, boolean partitionKeyUpserts, boolean describesAliasTarget) {

    private static final Pattern MAJOR_MINOR = Pattern.compile("v?(\\d+)\\.(\\d+)");

    /** The features of a server that reports this version; a version that cannot be read is taken for a current one. */
    static MilvusServerFeatures of(String version) {
        Matcher matcher = MAJOR_MINOR.matcher(version.trim());
        if (!matcher.lookingAt()) {
            return new MilvusServerFeatures(version, true, true, true);
        }
        int release = Integer.parseInt(matcher.group(1)) * 1000 + Integer.parseInt(matcher.group(2));
        return new MilvusServerFeatures(version, release >= 2005, release >= 2004, release >= 2005);
    }
}
