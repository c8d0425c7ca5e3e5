"""Client for the ragstream query API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import requests

__all__ = ["RagstreamClient", "RagstreamError"]


@dataclass
class RagstreamError(Exception):
    """The API refused a request: HTTP status, the API's error code, its message and the field to blame."""

    status: int
    code: str
    message: str
    field: Optional[str] = None

    def __str__(self) -> str:
        where = f" (field {self.field})" if self.field else ""
        return f"ragstream {self.status} {self.code}: {self.message}{where}"


class RagstreamClient:
    """Calls /v1/search, /v1/context and /v1/documents with one API key (which decides the tenant)."""

    def __init__(self, base_url: str, api_key: str, timeout: float = 30.0, session: Optional[requests.Session] = None):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._session = session or requests.Session()
        self._session.headers["Authorization"] = f"Bearer {api_key}"

    def search(self, query: str, top_k: Optional[int] = None, filter: Optional[dict] = None,
               mode: Optional[str] = None, min_score: Optional[float] = None) -> list[dict[str, Any]]:
        """The best chunks for the query, best first."""
        body = _without_none(query=query, topK=top_k, filter=filter, mode=mode, minScore=min_score)
        return self._post("/v1/search", body)["hits"]

    def context(self, query: str, max_tokens: Optional[int] = None, top_k: Optional[int] = None,
                filter: Optional[dict] = None, mode: Optional[str] = None) -> dict[str, Any]:
        """Context fitted to max_tokens, with numbered sources matching its [n] markers."""
        body = _without_none(query=query, maxTokens=max_tokens, topK=top_k, filter=filter, mode=mode)
        return self._post("/v1/context", body)

    def document(self, doc_id: str) -> dict[str, Any]:
        """A document's stored chunks."""
        response = self._session.get(
            f"{self.base_url}/v1/documents/{requests.utils.quote(doc_id, safe='')}", timeout=self.timeout)
        return _answer(response)

    def _post(self, path: str, body: dict) -> dict[str, Any]:
        return _answer(self._session.post(f"{self.base_url}{path}", json=body, timeout=self.timeout))


def _answer(response: requests.Response) -> dict[str, Any]:
    if response.ok:
        return response.json()
    try:
        error = response.json()["error"]
    except (ValueError, KeyError):
        raise RagstreamError(response.status_code, "http", response.text[:300]) from None
    raise RagstreamError(response.status_code, error.get("code", "http"), error.get("message", ""), error.get("field"))


def _without_none(**fields: Any) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}
