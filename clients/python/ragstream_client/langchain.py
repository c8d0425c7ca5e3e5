"""A LangChain retriever backed by the ragstream query API."""

from __future__ import annotations

from typing import Optional

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from . import RagstreamClient

__all__ = ["RagstreamRetriever"]


class RagstreamRetriever(BaseRetriever):
    """Retrieves chunks from ragstream's /v1/search; each hit becomes a Document with its provenance as metadata."""

    client: RagstreamClient
    top_k: int = 5
    filter: Optional[dict] = None
    mode: Optional[str] = None

    model_config = {"arbitrary_types_allowed": True}

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        hits = self.client.search(query, top_k=self.top_k, filter=self.filter, mode=self.mode)
        return [
            Document(
                page_content=hit["text"],
                metadata={
                    "doc_id": hit["docId"],
                    "chunk_id": hit["chunkId"],
                    "score": hit["score"],
                    "title": hit.get("title"),
                    "uri": hit["uri"],
                    "heading_path": hit["headingPath"],
                    "ordinal": hit["ordinal"],
                    "version": hit["version"],
                },
            )
            for hit in hits
        ]
