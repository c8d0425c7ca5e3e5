"""Runs against a live query service: RAGSTREAM_URL and RAGSTREAM_API_KEY name it (PythonClientIT sets them)."""

import os

import pytest

from ragstream_client import RagstreamClient, RagstreamError
from ragstream_client.langchain import RagstreamRetriever

URL = os.environ["RAGSTREAM_URL"]
KEY = os.environ["RAGSTREAM_API_KEY"]


@pytest.fixture
def client():
    return RagstreamClient(URL, api_key=KEY)


def test_search_returns_the_answering_chunk_first(client):
    hits = client.search("What does a compacted topic keep for each key?", top_k=2)

    assert hits[0]["docId"] == "kb:compaction"
    assert "latest value" in hits[0]["text"]


def test_context_cites_its_sources(client):
    context = client.context("What does a compacted topic keep for each key?", max_tokens=200)

    assert context["tokenCount"] <= 200
    assert "[1]" in context["context"]
    assert context["sources"][0]["number"] == 1


def test_retriever_gives_langchain_documents_with_provenance(client):
    retriever = RagstreamRetriever(client=client, top_k=2)

    documents = retriever.invoke("How does reciprocal rank fusion combine lists?")

    assert documents[0].metadata["doc_id"] == "kb:fusion"
    assert documents[0].metadata["uri"] == "https://kb.test/fusion"
    assert "rank" in documents[0].page_content


def test_refusal_names_the_field(client):
    with pytest.raises(RagstreamError) as refused:
        client.search("anything", top_k=1000)

    assert refused.value.status == 400
    assert refused.value.field == "topK"


def test_unknown_key_is_refused():
    with pytest.raises(RagstreamError) as refused:
        RagstreamClient(URL, api_key="wrong").search("anything")

    assert refused.value.status == 401


def test_document_ids_with_slashes_are_found(client):
    document = client.document("kb:guides/fusion")

    assert document["chunkCount"] == 1
