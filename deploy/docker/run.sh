#!/bin/sh
# Entry point of the ragstream images: java with the flags every service needs, then the service's main class.
#
#   MAIN_CLASS         set by the image (io.ragstream.query.QueryMain, ...)
#   JAVA_BASE_OPTS     set by the image: native access, the vector module, DJL offline, memory sizing
#   JAVA_OPTS          yours, appended last so it wins (e.g. -Xmx1g, -XX:ActiveProcessorCount=4)
#   JMX_EXPORTER_PORT  when set, the Prometheus JMX exporter agent serves /metrics there (the chunker's image sets 9404)
#   APP_CLASSPATH      the class path; the image's jars by default
#   JMX_EXPORTER_AGENT, JMX_EXPORTER_CONFIG   the agent jar and its configuration; the image's by default
#
# Arguments are passed to the main class: the first one may name a properties file (or set RAGSTREAM_CONFIG). Every
# setting can also come from the environment: RAGSTREAM_<KEY> for ragstream's keys, KAFKA_<KEY> for Kafka clients.
set -eu

: "${MAIN_CLASS:?MAIN_CLASS is not set: build the image with --build-arg MAIN_CLASS=...}"

agent=""
if [ -n "${JMX_EXPORTER_PORT:-}" ]; then
    agent="-javaagent:${JMX_EXPORTER_AGENT:-/app/agent/jmx_prometheus_javaagent.jar}=${JMX_EXPORTER_PORT}:${JMX_EXPORTER_CONFIG:-/app/agent/jmx-exporter.yaml}"
fi

# The option variables are split on spaces on purpose: they hold several flags, none with a space inside.
# shellcheck disable=SC2086
exec java ${JAVA_BASE_OPTS:-} ${agent} ${JAVA_OPTS:-} -cp "${APP_CLASSPATH:-/app/lib/*}" "${MAIN_CLASS}" "$@"
