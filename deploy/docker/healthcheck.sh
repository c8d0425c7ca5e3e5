#!/bin/sh
# Health check of the ragstream images (Docker HEALTHCHECK, Kubernetes exec probes): exit 0 when healthy.
#
#   healthcheck.sh [ready|live]      default: ready
#
# HEALTH_MODE=http (ingest, embedder, query): GET /health/<ready|live> on the service's own port. The port is
# HEALTH_PORT when set, else the port the service was configured with (RAGSTREAM_UPLOAD_HTTP_PORT for ingest,
# RAGSTREAM_HTTP_PORT for embedder and query), else the image's default (query 8080, ingest 8081, embedder 8081).
#
# HEALTH_MODE=streams (chunker): Kafka Streams has no HTTP endpoint, so the check reads the client's state from the
# JMX exporter's /metrics. kafka_streams_stream_metrics_client_state is the ordinal of KafkaStreams.State:
#   0 CREATED, 1 REBALANCING, 2 RUNNING, 3 PENDING_SHUTDOWN, 4 NOT_RUNNING, 5 PENDING_ERROR, 6 ERROR
# live:  the exporter answers, and the client is not NOT_RUNNING, PENDING_ERROR or ERROR (absent while starting: live)
# ready: the client is RUNNING with at least one stream thread alive (REBALANCING is not ready: it is what a client
#        that cannot reach its brokers reports, and what a long state restore reports; neither processes records)
set -eu

probe="${1:-ready}"
case "$probe" in
    ready | live) ;;
    *) echo "usage: healthcheck.sh [ready|live]" >&2; exit 2 ;;
esac

case "${HEALTH_MODE:-http}" in
    http)
        port="${HEALTH_PORT:-${RAGSTREAM_UPLOAD_HTTP_PORT:-${RAGSTREAM_HTTP_PORT:-${DEFAULT_HEALTH_PORT:-8080}}}}"
        exec curl -fsS -o /dev/null --max-time 4 "http://127.0.0.1:${port}/health/${probe}"
        ;;
    streams)
        metrics="$(curl -fsS --max-time 4 "http://127.0.0.1:${JMX_EXPORTER_PORT:-9404}/metrics")" || exit 1
        state="$(printf '%s\n' "$metrics" \
            | awk '/^kafka_streams_stream_metrics_client_state[{ ]/ { print int($NF); exit }')"
        alive="$(printf '%s\n' "$metrics" \
            | awk '/^kafka_streams_stream_metrics_alive_stream_threads[{ ]/ { n += $NF } END { print int(n) }')"
        if [ "$probe" = live ]; then
            case "$state" in
                4 | 5 | 6) echo "kafka streams state ${state}" >&2; exit 1 ;;
                *) exit 0 ;;
            esac
        fi
        if [ "$state" = 2 ] && [ "$alive" -ge 1 ]; then
            exit 0
        fi
        echo "kafka streams not ready: state=${state:-absent} alive_stream_threads=${alive}" >&2
        exit 1
        ;;
    *)
        echo "HEALTH_MODE is '${HEALTH_MODE}'; expected http or streams" >&2
        exit 2
        ;;
esac
