#!/usr/bin/env python3
"""Runs deploy/docker/healthcheck.sh against a local stand-in for a service; run by deploy/validate.sh.

The stand-in is an HTTP server on 127.0.0.1 (a free port) that answers /health/ready and /health/live with a chosen
status, and /metrics with the JMX exporter output recorded in fixtures/chunker-metrics.txt, edited per case. Each case
says which exit status the script must give.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPT = HERE.parent / "docker" / "healthcheck.sh"
FIXTURE = (HERE / "fixtures" / "chunker-metrics.txt").read_text(encoding="utf-8")

state = {"status": 200, "metrics": FIXTURE}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the name http.server wants)
        if self.path == "/metrics":
            body, status = state["metrics"].encode(), 200
        elif self.path in ("/health/ready", "/health/live"):
            body, status = b"ok", state["status"]
        else:
            body, status = b"not found", 404
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def with_state(value: str | None, alive: str = "1.0") -> str:
    text = re.sub(r"^(kafka_streams_stream_metrics_alive_stream_threads\{.*\}) \S+$", rf"\g<1> {alive}", FIXTURE,
                  flags=re.M)
    if value is None:
        return "\n".join(line for line in text.splitlines() if "client_state" not in line) + "\n"
    return re.sub(r"^(kafka_streams_stream_metrics_client_state\{.*\}) \S+$", rf"\g<1> {value}", text, flags=re.M)


def run(probe: str, env: dict) -> int:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("RAGSTREAM_", "HEALTH_", "JMX_", "DEFAULT_"))}
    return subprocess.run(["sh", str(SCRIPT), probe], env={**clean, **env}, capture_output=True).returncode


def main() -> int:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = str(server.server_address[1])
    unused = "1"  # nothing listens on port 1
    http = {"HEALTH_MODE": "http"}
    streams = {"HEALTH_MODE": "streams", "JMX_EXPORTER_PORT": port}
    cases = [
        # (description, server status, metrics, probe, environment, expected exit status)
        ("http ready, port from HEALTH_PORT", 200, None, "ready", {**http, "HEALTH_PORT": port}, 0),
        ("http live, port from RAGSTREAM_HTTP_PORT", 200, None, "live", {**http, "RAGSTREAM_HTTP_PORT": port}, 0),
        ("http ready, port from RAGSTREAM_UPLOAD_HTTP_PORT", 200, None, "ready",
         {**http, "RAGSTREAM_UPLOAD_HTTP_PORT": port}, 0),
        ("http ready, port from the image default", 200, None, "ready", {**http, "DEFAULT_HEALTH_PORT": port}, 0),
        ("http 503 is unhealthy", 503, None, "ready", {**http, "HEALTH_PORT": port}, 22),
        ("http nothing listening", 200, None, "ready", {**http, "HEALTH_PORT": unused}, 7),
        ("streams REBALANCING is not ready", 200, with_state("1.0"), "ready", streams, 1),
        ("streams REBALANCING is live", 200, with_state("1.0"), "live", streams, 0),
        ("streams RUNNING is ready", 200, with_state("2.0"), "ready", streams, 0),
        ("streams RUNNING with no thread alive is not ready", 200, with_state("2.0", alive="0.0"), "ready", streams, 1),
        ("streams RUNNING is live", 200, with_state("2.0"), "live", streams, 0),
        ("streams ERROR is not ready", 200, with_state("6.0"), "ready", streams, 1),
        ("streams ERROR is not live", 200, with_state("6.0"), "live", streams, 1),
        ("streams PENDING_ERROR is not live", 200, with_state("5.0"), "live", streams, 1),
        ("streams not started yet is live", 200, with_state(None), "live", streams, 0),
        ("streams not started yet is not ready", 200, with_state(None), "ready", streams, 1),
        ("streams exporter down", 200, None, "ready", {**streams, "JMX_EXPORTER_PORT": unused}, 1),
        ("unknown probe", 200, None, "started", http, 2),
        ("unknown mode", 200, None, "ready", {"HEALTH_MODE": "grpc"}, 2),
    ]
    failed = 0
    for description, status, metrics, probe, env, expected in cases:
        state["status"] = status
        state["metrics"] = metrics if metrics is not None else FIXTURE
        actual = run(probe, env)
        ok = actual == expected
        failed += not ok
        print(f"  [{'ok  ' if ok else 'FAIL'}] {description}: exit {actual}" + ("" if ok else f", expected {expected}"))
    server.shutdown()
    print(f"test_healthcheck: {len(cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
