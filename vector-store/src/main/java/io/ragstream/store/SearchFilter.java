package io.ragstream.store;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which chunks a search or count may see. The tenant is always applied; every other part narrows further when present,
 * and the parts combine with AND.
 *
 * @param sources chunks from any of these sources (empty: any source)
 * @param docIds chunks of any of these documents (empty: any document)
 * @param tags chunks carrying at least one of these tags (empty: no tag condition)
 * @param uriPrefix chunks whose document URI starts with this
 * @param ingestedAfter chunks written at or after this instant
 * @param ingestedBefore chunks written before this instant
 */
public record SearchFilter(
        String tenant,
        Set<String> sources,
        Set<String> docIds,
        Set<String> tags,
        Optional<String> uriPrefix,
        Optional<Instant> ingestedAfter,
        Optional<Instant> ingestedBefore) {

    public SearchFilter {
        Objects.requireNonNull(tenant, "tenant: every search is scoped to one tenant");
        sources = sources == null ? Set.of() : Set.copyOf(sources);
        docIds = docIds == null ? Set.of() : Set.copyOf(docIds);
        tags = tags == null ? Set.of() : Set.copyOf(tags);
        uriPrefix = uriPrefix == null ? Optional.empty() : uriPrefix;
        ingestedAfter = ingestedAfter == null ? Optional.empty() : ingestedAfter;
        ingestedBefore = ingestedBefore == null ? Optional.empty() : ingestedBefore;
    }

    /** Every chunk of one tenant. */
    public static SearchFilter tenant(String tenant) {
        return new SearchFilter(
                tenant, Set.of(), Set.of(), Set.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public SearchFilter withSources(Set<String> value) {
        return new SearchFilter(tenant, value, docIds, tags, uriPrefix, ingestedAfter, ingestedBefore);
    }

    public SearchFilter withDocIds(Set<String> value) {
        return new SearchFilter(tenant, sources, value, tags, uriPrefix, ingestedAfter, ingestedBefore);
    }

    public SearchFilter withTags(Set<String> value) {
        return new SearchFilter(tenant, sources, docIds, value, uriPrefix, ingestedAfter, ingestedBefore);
    }

    public SearchFilter withUriPrefix(String value) {
        return new SearchFilter(tenant, sources, docIds, tags, Optional.of(value), ingestedAfter, ingestedBefore);
    }

    public SearchFilter withIngestedBetween(Optional<Instant> after, Optional<Instant> before) {
        return new SearchFilter(tenant, sources, docIds, tags, uriPrefix, after, before);
    }
}
