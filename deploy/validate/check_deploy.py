#!/usr/bin/env python3
"""Static checks of deploy/ that need no Docker engine and no cluster; run by deploy/validate.sh.

Each check prints what it looked at and fails with the reasons it found:

  yaml        every YAML file under deploy/ parses (multi-document files included)
  settings    every RAGSTREAM_* variable given to a service (compose and Kubernetes) is a key of that service's
              configuration record: the services ignore unknown RAGSTREAM_* variables, so a misspelt one would
              silently fall back to a default (store.kind=lucene, say)
  services    the compose build arguments and the Kubernetes images name real modules and main classes, and the
              health, metrics and scrape ports agree with the ports the services are configured with
  topics      the Strimzi KafkaTopic resources are well formed (fields of the KafkaTopic v1beta2 CRD) and carry the
              names, cleanup policies, retention and max.message.bytes of io.ragstream.model.Topics
  kustomize   the kustomizations list files that exist, and every Kubernetes file is listed
  dashboard   the Grafana dashboard is valid JSON, uses the provisioned datasource, every query parses as PromQL,
              and every metric it queries is one that exists: read from the Micrometer meters in the code, or one
              of the exporters' names listed below (checked against the running exporters where noted)
  prometheus  the scrape jobs of prometheus.yml match the compose services and ports, and the dashboard's job
              labels exist
  exposure    compose publishes only the authenticated APIs (query, upload) on every interface; Kafka, Milvus,
              Prometheus, Grafana and the metrics ports, which ask for no key, only on 127.0.0.1
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import promql_parser
import yaml

DEPLOY = Path(__file__).resolve().parent.parent
REPO = DEPLOY.parent
COMPOSE = DEPLOY / "compose" / "docker-compose.yml"
PROMETHEUS = DEPLOY / "compose" / "prometheus.yml"
DASHBOARDS = DEPLOY / "compose" / "grafana" / "dashboards"
DATASOURCES = DEPLOY / "compose" / "grafana" / "provisioning" / "datasources"
K8S = DEPLOY / "k8s"
FIXTURE_METRICS = DEPLOY / "validate" / "fixtures" / "chunker-metrics.txt"

# Module -> (main class, configuration record, image name).
SERVICES = {
    "ingest-service": ("io.ragstream.ingest.IngestMain", "IngestConfig"),
    "chunker-stream": ("io.ragstream.chunker.ChunkerMain", "ChunkerConfig"),
    "embedder-service": ("io.ragstream.embedder.EmbedderMain", "EmbedderConfig"),
    "query-service": ("io.ragstream.query.QueryMain", "QueryConfig"),
}
# RAGSTREAM_CONFIG names a properties file; it is not a key.
SPECIAL_ENV = {"RAGSTREAM_CONFIG"}

# The topics of io.ragstream.model.Topics (README, "Topics and records").
THIRTY_DAYS_MS = str(30 * 24 * 60 * 60 * 1000)
MAX_MESSAGE_BYTES = str(32 * 1024 * 1024)
TOPICS = {
    "ragstream.docs.raw": {"cleanup.policy": "compact", "delete.retention.ms": THIRTY_DAYS_MS,
                           "max.message.bytes": MAX_MESSAGE_BYTES},
    "ragstream.chunks": {"cleanup.policy": "delete", "retention.ms": THIRTY_DAYS_MS,
                         "max.message.bytes": MAX_MESSAGE_BYTES},
    "ragstream.docs.dlq": {"cleanup.policy": "delete", "retention.ms": THIRTY_DAYS_MS,
                           "max.message.bytes": MAX_MESSAGE_BYTES},
    "ragstream.chunks.dlq": {"cleanup.policy": "delete", "retention.ms": THIRTY_DAYS_MS,
                             "max.message.bytes": MAX_MESSAGE_BYTES},
    "ragstream.status": {"cleanup.policy": "compact"},
}

# Metrics that come from outside ragstream's own Micrometer meters.
EXTERNAL_METRICS = {
    # Prometheus itself.
    "up",
    # Micrometer's KafkaClientMetrics on the embedder's consumer (checked against Micrometer 1.17.2 and
    # kafka-clients 4.3.1 scraping a consumer).
    "kafka_consumer_fetch_manager_records_lag_max",
    "kafka_consumer_fetch_manager_records_consumed_total",
    "kafka_consumer_fetch_manager_records_consumed_rate",
    # The JMX exporter agent in the chunker image with deploy/docker/jmx-exporter.yaml (checked against the agent
    # 1.0.1 running a Kafka Streams 4.3.1 client).
    "kafka_streams_stream_metrics_client_state",
    "kafka_streams_stream_metrics_alive_stream_threads",
    "kafka_streams_stream_metrics_failed_stream_threads",
    "kafka_streams_stream_thread_metrics_process_total",
    "kafka_streams_stream_thread_metrics_process_rate",
    "kafka_streams_stream_thread_metrics_commit_latency_avg",
    "kafka_consumer_consumer_fetch_manager_metrics_records_lag_max",
    "kafka_consumer_consumer_fetch_manager_metrics_records_consumed_total",
    "kafka_producer_producer_metrics_record_send_total",
    # danielqsj/kafka-exporter (its documented metric names).
    "kafka_consumergroup_lag",
    "kafka_consumergroup_lag_sum",
    "kafka_consumergroup_current_offset",
    "kafka_consumergroup_current_offset_sum",
    "kafka_topic_partition_current_offset",
    "kafka_topic_partition_oldest_offset",
}


class Check:
    def __init__(self, name: str):
        self.name = name
        self.problems: list[str] = []
        self.notes: list[str] = []

    def fail(self, message: str) -> None:
        self.problems.append(message)

    def note(self, message: str) -> None:
        self.notes.append(message)


def load_yaml_all(path: Path) -> list:
    with path.open(encoding="utf-8") as f:
        return [doc for doc in yaml.safe_load_all(f) if doc is not None]


# --- yaml ------------------------------------------------------------------------------------------------------------


def check_yaml(check: Check) -> None:
    files = sorted(p for p in DEPLOY.rglob("*") if p.suffix in (".yml", ".yaml")
                   and not any(part.startswith(".venv") for part in p.relative_to(DEPLOY).parts))
    documents = 0
    for path in files:
        try:
            documents += len(load_yaml_all(path))
        except yaml.YAMLError as e:
            check.fail(f"{path.relative_to(REPO)}: {e}")
    check.note(f"{len(files)} files, {documents} documents")


# --- settings --------------------------------------------------------------------------------------------------------

RECORD = re.compile(r"\brecord\s+(\w+)\s*(?:<[^>]*>)?\s*\(")


def split_params(text: str) -> list[str]:
    params, depth, current = [], 0, ""
    for c in text:
        if c in "<([":
            depth += 1
        elif c in ">)]":
            depth -= 1
        if c == "," and depth == 0:
            params.append(current)
            current = ""
        else:
            current += c
    if current.strip():
        params.append(current)
    return params


def java_records() -> dict[str, list[tuple[Path, list[tuple[str, str]]]]]:
    """Record name -> [(file, [(type, component)])], from every module's main sources."""
    records: dict[str, list] = {}
    for path in REPO.glob("*/src/main/java/**/*.java"):
        source = path.read_text(encoding="utf-8")
        # Drop text blocks, string literals and comments: "record" in a message is no declaration.
        source = re.sub(r'""".*?"""', '""', source, flags=re.S)
        source = re.sub(r'"(?:\\.|[^"\\\n])*"', '""', source)
        source = re.sub(r"//[^\n]*|/\*.*?\*/", "", source, flags=re.S)
        for match in RECORD.finditer(source):
            depth, i = 1, match.end()
            while depth and i < len(source):
                depth += {"(": 1, ")": -1}.get(source[i], 0)
                i += 1
            components = []
            for param in split_params(source[match.end():i - 1]):
                param = re.sub(r"@\w+(\([^)]*\))?", "", param).strip()
                if not param:
                    continue
                type_, name = param.rsplit(None, 1)
                components.append((type_.strip(), name.strip()))
            records.setdefault(match.group(1), []).append((path, components))
    return records


def kebab(name: str) -> str:
    """Jackson's KEBAB_CASE, as ConfigBinder uses it: maxTopK -> max-top-k, milvusUri -> milvus-uri."""
    out, previous_upper = "", False
    for c in name:
        if c.isupper():
            if not previous_upper and out and out[-1] != "-":
                out += "-"
            out += c.lower()
            previous_upper = True
        else:
            out += c
            previous_upper = False
    return out


def config_keys(records, record: str, prefix: str = "", near: Path | None = None) -> set[str]:
    candidates = records[record]
    if len(candidates) > 1 and near is not None:
        candidates = [c for c in candidates if c[0] == near] or candidates
    path, components = candidates[0]
    keys = set()
    for type_, name in components:
        key = prefix + kebab(name)
        nested = type_.split(".")[-1]
        if nested in records:
            keys |= config_keys(records, nested, key + ".", path)
        else:
            keys.add(key)
    return keys


def env_name(key: str) -> str:
    return "RAGSTREAM_" + re.sub(r"[^A-Z0-9]", "_", key.upper())


def compose_services() -> dict:
    return load_yaml_all(COMPOSE)[0]["services"]


def compose_module(service: dict) -> str | None:
    build = service.get("build") or {}
    return (build.get("args") or {}).get("MODULE") if isinstance(build, dict) else None


def k8s_documents() -> list[tuple[Path, dict]]:
    docs = []
    for path in sorted(K8S.rglob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for doc in load_yaml_all(path):
            docs.append((path, doc))
    return docs


def k8s_containers():
    """(file, workload, container, module) for every container whose image is a ragstream service."""
    for path, doc in k8s_documents():
        if doc.get("kind") not in ("Deployment", "StatefulSet"):
            continue
        for container in doc["spec"]["template"]["spec"]["containers"]:
            image = container["image"].split(":")[0]
            module = image.split("/")[-1]
            yield path, doc, container, module if module in SERVICES else None


def check_settings(check: Check) -> None:
    records = java_records()
    known = {}
    for module, (_, record) in SERVICES.items():
        if record not in records:
            check.fail(f"configuration record {record} of {module} not found in the sources")
            continue
        known[module] = {env_name(k) for k in config_keys(records, record)}
    checked = 0
    for name, service in compose_services().items():
        module = compose_module(service)
        if module is None:
            continue
        for variable in (service.get("environment") or {}):
            if variable.startswith("RAGSTREAM_") and variable not in SPECIAL_ENV:
                checked += 1
                if variable not in known.get(module, set()):
                    check.fail(f"compose service {name} ({module}): {variable} is not a setting of {module}")
    for path, _, container, module in k8s_containers():
        if module is None:
            check.fail(f"{path.relative_to(REPO)}: image {container['image']} is no ragstream service")
            continue
        names = [e["name"] for e in container.get("env", [])]
        for source in container.get("envFrom", []):
            ref = source.get("configMapRef", {}).get("name")
            names += [k for _, doc in k8s_documents()
                      if doc.get("kind") == "ConfigMap" and doc["metadata"]["name"] == ref
                      for k in doc.get("data", {})]
        for variable in names:
            if variable.startswith("RAGSTREAM_") and variable not in SPECIAL_ENV:
                checked += 1
                if variable not in known.get(module, set()):
                    check.fail(f"{path.relative_to(REPO)} container {container['name']}: {variable} is not a setting "
                               f"of {module}")
    check.note(f"{checked} RAGSTREAM_* variables against the keys of "
               + ", ".join(f"{SERVICES[m][1]} ({len(k)})" for m, k in known.items()))


# --- services --------------------------------------------------------------------------------------------------------


def main_class_exists(module: str, main_class: str) -> bool:
    path = REPO / module / "src" / "main" / "java" / (main_class.replace(".", "/") + ".java")
    return path.is_file() and "static void main(" in path.read_text(encoding="utf-8")


def configured_port(module: str, env: dict) -> str | None:
    """The HTTP port a service serves health and metrics on, as its settings say (None: the chunker has none)."""
    if module == "ingest-service":
        return str(env.get("RAGSTREAM_UPLOAD_HTTP_PORT", "8081"))
    if module == "embedder-service":
        return str(env.get("RAGSTREAM_HTTP_PORT", "8082"))
    if module == "query-service":
        return str(env.get("RAGSTREAM_HTTP_PORT", "8080"))
    return None


def check_services(check: Check) -> None:
    seen = set()
    prometheus = load_yaml_all(PROMETHEUS)[0]
    scrape_ports = {}
    for job in prometheus["scrape_configs"]:
        for sd in job.get("dns_sd_configs", []):
            for name in sd["names"]:
                scrape_ports[name] = str(sd["port"])
    for name, service in compose_services().items():
        module = compose_module(service)
        if module is None:
            continue
        seen.add(module)
        args = service["build"]["args"]
        if module not in SERVICES:
            check.fail(f"compose service {name}: MODULE={module} is not one of {sorted(SERVICES)}")
            continue
        if args.get("MAIN_CLASS") != SERVICES[module][0] or not main_class_exists(module, args["MAIN_CLASS"]):
            check.fail(f"compose service {name}: MAIN_CLASS={args.get('MAIN_CLASS')} is not {module}'s main class")
        env = service.get("environment") or {}
        port = configured_port(module, env) or str(args.get("JMX_EXPORTER_PORT"))
        if str(args.get("DEFAULT_HEALTH_PORT")) != port:
            check.fail(f"compose service {name}: DEFAULT_HEALTH_PORT={args.get('DEFAULT_HEALTH_PORT')} but the service "
                       f"serves on {port}")
        if module == "chunker-stream" and args.get("HEALTH_MODE") != "streams":
            check.fail(f"compose service {name}: the chunker has no HTTP server; HEALTH_MODE must be streams")
        if scrape_ports.get(name) != port:
            check.fail(f"prometheus.yml scrapes {name} on {scrape_ports.get(name)}, the service serves on {port}")
        if not (service.get("image") or "").startswith(f"ragstream/{module}:"):
            check.fail(f"compose service {name}: image {service.get('image')} should be ragstream/{module}:<tag>")
    for module in set(SERVICES) - seen:
        check.fail(f"compose has no service built from {module}")

    k8s_seen = set()
    for path, doc, container, module in k8s_containers():
        if module is None:
            continue
        k8s_seen.add(module)
        where = f"{path.relative_to(REPO)} {doc['metadata']['name']}"
        env = {e["name"]: e.get("value") for e in container.get("env", [])}
        port = configured_port(module, env) or "9404"
        ports = {str(p["containerPort"]) for p in container.get("ports", [])}
        if port not in ports:
            check.fail(f"{where}: the service serves on {port}, the container declares {sorted(ports)}")
        annotations = doc["spec"]["template"]["metadata"].get("annotations", {})
        if annotations.get("prometheus.io/port") != port:
            check.fail(f"{where}: prometheus.io/port is {annotations.get('prometheus.io/port')}, metrics are on {port}")
        if doc["spec"]["template"]["spec"].get("enableServiceLinks") is not False:
            check.fail(f"{where}: set enableServiceLinks: false (service links add KAFKA_*-like variables)")
        for probe in ("readinessProbe", "livenessProbe"):
            if probe not in container:
                check.fail(f"{where}: no {probe}")
        if "resources" not in container or "limits" not in container["resources"]:
            check.fail(f"{where}: no resource limits")
    for module in set(SERVICES) - k8s_seen:
        check.fail(f"deploy/k8s has no Deployment running {module}")
    check.note(f"{len(seen)} compose services and {len(k8s_seen)} Kubernetes Deployments: modules, main classes, ports")


# --- topics ----------------------------------------------------------------------------------------------------------

KAFKA_TOPIC_FIELDS = {"partitions", "replicas", "config", "topicName"}


def check_topics(check: Check) -> None:
    topics_java = (REPO / "pipeline-model/src/main/java/io/ragstream/model/Topics.java").read_text(encoding="utf-8")
    found = {}
    for path, doc in k8s_documents():
        if doc.get("kind") != "KafkaTopic":
            continue
        where = f"{path.relative_to(REPO)} {doc.get('metadata', {}).get('name')}"
        if doc.get("apiVersion") != "kafka.strimzi.io/v1beta2":
            check.fail(f"{where}: apiVersion {doc.get('apiVersion')}, expected kafka.strimzi.io/v1beta2")
        metadata, spec = doc.get("metadata", {}), doc.get("spec", {})
        if not re.fullmatch(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?", str(metadata.get("name", ""))):
            check.fail(f"{where}: metadata.name is not a valid Kubernetes name")
        if not metadata.get("labels", {}).get("strimzi.io/cluster"):
            check.fail(f"{where}: no strimzi.io/cluster label: the Topic Operator would ignore it")
        unknown = set(spec) - KAFKA_TOPIC_FIELDS
        if unknown:
            check.fail(f"{where}: spec has fields the KafkaTopic CRD does not: {sorted(unknown)}")
        if not (isinstance(spec.get("partitions"), int) and spec["partitions"] >= 1):
            check.fail(f"{where}: spec.partitions must be an integer ≥ 1")
        if not (isinstance(spec.get("replicas"), int) and 1 <= spec["replicas"] <= 32767):
            check.fail(f"{where}: spec.replicas must be an integer from 1 to 32767")
        if not isinstance(spec.get("config", {}), dict):
            check.fail(f"{where}: spec.config must be a map")
        name = spec.get("topicName", metadata.get("name"))
        found[name] = {k: str(v) for k, v in spec.get("config", {}).items()}
    for name, expected in TOPICS.items():
        if f'"{name}"' not in topics_java:
            check.fail(f"{name} is no longer a topic of io.ragstream.model.Topics: update this check and the manifests")
        if name not in found:
            check.fail(f"no KafkaTopic for {name}")
            continue
        for key, value in expected.items():
            if found[name].get(key) != value:
                check.fail(f"KafkaTopic {name}: {key} is {found[name].get(key)}, Topics.java says {value}")
        if found[name].get("cleanup.policy") == "compact" and "retention.ms" in found[name]:
            check.fail(f"KafkaTopic {name}: a compacted topic must not set retention.ms")
    for name in set(found) - set(TOPICS):
        check.fail(f"KafkaTopic {name} is not a ragstream topic")
    check.note(f"{len(found)} KafkaTopic resources against the {len(TOPICS)} topics of Topics.java")


# --- kustomize -------------------------------------------------------------------------------------------------------


def check_kustomize(check: Check) -> None:
    listed = set()
    kustomizations = sorted(K8S.rglob("kustomization.yaml"))
    for path in kustomizations:
        k = load_yaml_all(path)[0]
        if k.get("kind") != "Kustomization":
            check.fail(f"{path.relative_to(REPO)}: kind is not Kustomization")
        for resource in k.get("resources", []):
            target = (path.parent / resource).resolve()
            listed.add(target)
            if not target.exists():
                check.fail(f"{path.relative_to(REPO)}: resource {resource} does not exist")
    for path in K8S.rglob("*.yaml"):
        if path.name != "kustomization.yaml" and path.resolve() not in listed:
            check.fail(f"{path.relative_to(REPO)} is not listed in any kustomization")
    check.note(f"{len(kustomizations)} kustomizations, {len(listed)} resources")


# --- dashboard -------------------------------------------------------------------------------------------------------

METER = re.compile(r"\b(Counter|Timer|DistributionSummary|FunctionCounter|Gauge|TimeGauge|LongTaskTimer)"
                   r"\.builder\(\s*\"([^\"]+)\"")


def code_metrics() -> set[str]:
    """Prometheus names of the Micrometer meters registered in the services' code."""
    names = set()
    for path in REPO.glob("*/src/main/java/**/*.java"):
        source = path.read_text(encoding="utf-8")
        for match in METER.finditer(source):
            kind, name = match.groups()
            chain = source[match.end():source.find(".register(", match.end())]
            base = name.replace(".", "_")
            unit = re.search(r"\.baseUnit\(\s*\"(\w+)\"", chain)
            if unit and kind in ("Counter", "FunctionCounter", "DistributionSummary", "Gauge"):
                base += "_" + unit.group(1)
            if kind in ("Counter", "FunctionCounter"):
                names.add(base + "_total")
            elif kind in ("Timer", "DistributionSummary", "LongTaskTimer"):
                if kind != "DistributionSummary":
                    base += "_seconds"
                names |= {base + "_count", base + "_sum", base + "_max"}
                if ".publishPercentileHistogram()" in chain or ".serviceLevelObjectives(" in chain:
                    names.add(base + "_bucket")
            else:
                names.add(base)
    return names


def dashboard_queries(node):
    if isinstance(node, dict):
        if "expr" in node and isinstance(node["expr"], str):
            yield node
        for value in node.values():
            yield from dashboard_queries(value)
    elif isinstance(node, list):
        for value in node:
            yield from dashboard_queries(value)


def promql_metric_names(expr: str) -> set[str]:
    # Grafana's variables become durations PromQL knows.
    expr = re.sub(r"\$__(rate_interval|interval|range)", "5m", expr)
    names = set()

    def visit(node):
        if isinstance(node, promql_parser.VectorSelector) and node.name:
            names.add(node.name)

    promql_parser.walk(promql_parser.parse(expr), visit)
    return names


def check_dashboard(check: Check) -> None:
    known = code_metrics() | EXTERNAL_METRICS
    uids = set()
    for path in DATASOURCES.glob("*.y*ml"):
        for doc in load_yaml_all(path):
            uids |= {d.get("uid") for d in doc.get("datasources", [])}
    dashboards = sorted(DASHBOARDS.glob("*.json"))
    used, queries = set(), 0
    for path in dashboards:
        try:
            dashboard = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            check.fail(f"{path.relative_to(REPO)}: {e}")
            continue
        for key in ("uid", "title", "panels", "schemaVersion"):
            if key not in dashboard:
                check.fail(f"{path.relative_to(REPO)}: no {key}")
        ids = [p.get("id") for p in dashboard.get("panels", [])]
        if len(ids) != len(set(ids)):
            check.fail(f"{path.relative_to(REPO)}: panel ids repeat")
        for panel in dashboard.get("panels", []):
            uid = (panel.get("datasource") or {}).get("uid")
            if panel.get("type") != "row" and uid not in uids:
                check.fail(f"{path.relative_to(REPO)} panel '{panel.get('title')}': datasource {uid} is not provisioned")
        for target in dashboard_queries(dashboard):
            queries += 1
            try:
                names = promql_metric_names(target["expr"])
            except Exception as e:  # the parser raises ValueError subclasses with the position
                check.fail(f"{path.relative_to(REPO)}: query does not parse ({e}): {target['expr']}")
                continue
            used |= names
            for name in names - known:
                check.fail(f"{path.relative_to(REPO)}: metric {name} is exported by nothing in this stack")
    # The chunker's names come from the JMX exporter's naming: they must be in the output recorded from the agent.
    recorded = set(re.findall(r"^([a-z_]+)\{", FIXTURE_METRICS.read_text(encoding="utf-8"), flags=re.M))
    for name in sorted(used):
        if name.startswith(("kafka_streams_", "kafka_consumer_consumer_")) and name not in recorded:
            check.fail(f"{name} (JMX exporter naming) is not in {FIXTURE_METRICS.relative_to(REPO)}")
    check.note(f"{len(dashboards)} dashboard(s), {queries} queries, {len(used)} metrics "
               f"({len(used & code_metrics())} from ragstream's meters, {len(used - code_metrics())} from exporters)")


# --- prometheus ------------------------------------------------------------------------------------------------------


def check_prometheus(check: Check) -> None:
    config = load_yaml_all(PROMETHEUS)[0]
    services = compose_services()
    jobs = set()
    for job in config.get("scrape_configs", []):
        jobs.add(job["job_name"])
        targets = [t for sc in job.get("static_configs", []) for t in sc.get("targets", [])]
        targets += [n for sd in job.get("dns_sd_configs", []) for n in sd.get("names", [])]
        if not targets:
            check.fail(f"prometheus.yml job {job['job_name']} has no targets")
        for target in targets:
            host = target.split(":")[0]
            if host not in services:
                check.fail(f"prometheus.yml job {job['job_name']}: {host} is not a compose service")
    used = set()
    for path in DASHBOARDS.glob("*.json"):
        used |= set(re.findall(r'job=\\"([\w-]+)\\"', path.read_text(encoding="utf-8")))
    for job in used - jobs:
        check.fail(f"the dashboard selects job={job}, which prometheus.yml does not scrape")
    check.note(f"{len(jobs)} scrape jobs: {', '.join(sorted(jobs))}")


# --- exposure --------------------------------------------------------------------------------------------------------

#: Compose services whose published ports ask for an API key; every other port is for the host alone.
AUTHENTICATED = {"query": {"8080"}, "ingest": {"8081"}}


def published(entry) -> tuple[str | None, str]:
    """The host address and the container port of one `ports:` entry, short ("[ip:]host:container") or long form."""
    if isinstance(entry, dict):
        return entry.get("host_ip"), str(entry.get("target"))
    parts = str(entry).split("/")[0].rsplit(":", 2)
    if len(parts) == 3:
        return parts[0], parts[2]
    return None, parts[-1]


def check_exposure(check: Check) -> None:
    count = 0
    for name, service in compose_services().items():
        for entry in service.get("ports", []) or []:
            count += 1
            host_ip, port = published(entry)
            if port in AUTHENTICATED.get(name, set()):
                continue
            if host_ip not in ("127.0.0.1", "::1", "[::1]"):
                check.fail(f"compose service {name} publishes {entry} on every interface; it asks for no key, so bind "
                           f"it to the host alone: \"127.0.0.1:{port}:{port}\"")
    check.note(f"{count} published ports; only {sorted(AUTHENTICATED)}'s APIs on every interface")


def main() -> int:
    checks = [("yaml", check_yaml), ("settings", check_settings), ("services", check_services),
              ("topics", check_topics), ("kustomize", check_kustomize), ("dashboard", check_dashboard),
              ("prometheus", check_prometheus), ("exposure", check_exposure)]
    failed = 0
    for name, run in checks:
        check = Check(name)
        try:
            run(check)
        except Exception as e:  # a crash of a check is a failure of it, with the reason
            check.fail(f"{type(e).__name__}: {e}")
        status = "ok  " if not check.problems else "FAIL"
        print(f"  [{status}] {name:<10} {'; '.join(check.notes)}")
        for problem in check.problems:
            print(f"         - {problem}")
        failed += bool(check.problems)
    print(f"check_deploy: {len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
