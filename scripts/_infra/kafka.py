"""Apache Kafka in KRaft mode (one combined broker+controller node) from Maven Central jars."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

from _infra import kafka_admin
from _infra.procs import InfraError, is_alive, port_open, read_pid, stop_process_group, tail
from _infra.settings import REPO_ROOT, TOPIC_PARTITIONS, Settings
from _infra.system import require_command, run

POM = REPO_ROOT / "infra" / "kafka" / "pom.xml"
READY_TIMEOUT_S = 90.0
HEAP = ["-Xms256m", "-Xmx1g"]


def running_pid(s: Settings) -> int | None:
    """The pid of the broker `up` started, when it is alive and its port answers."""
    pid = read_pid(s.kafka_dir / "pid")
    if pid is None or not is_alive(pid) or not port_open(s.kafka_port):
        return None
    return pid


def up(s: Settings) -> None:
    """Start the broker unless it already runs, wait until it answers, create the topics."""
    start = time.monotonic()
    pid = running_pid(s)
    if pid is None:
        _refuse_foreign_port(s)
        ensure_jars(s)
        write_configs(s)
        format_storage(s)
        pid = _launch(s)
    _wait_ready(s, pid)
    waited = time.monotonic() - start
    print(f"kafka ready at {s.bootstrap_servers} (pid {pid}) after {waited:.1f} s")
    kafka_admin.run(kafka_admin.ensure_topics(s.bootstrap_servers, s.topics, TOPIC_PARTITIONS))
    print(f"topics present: {', '.join(s.topics)} ({TOPIC_PARTITIONS} partitions)")


def down(s: Settings) -> None:
    """Stop the broker `up` started (SIGTERM, then SIGKILL after a deadline)."""
    pid_file = s.kafka_dir / "pid"
    pid = read_pid(pid_file)
    if pid is not None and is_alive(pid):
        print(f"stopping kafka (pid {pid})...")
        stop_process_group(pid, timeout=60)
    pid_file.unlink(missing_ok=True)
    print("kafka stopped")


def status_line(s: Settings) -> tuple[bool, str]:
    """(is up, one human line) for `status`."""
    pid = running_pid(s)
    if pid is None:
        return False, f"kafka      down  {s.bootstrap_servers}"
    return True, f"kafka      up    {s.bootstrap_servers}  pid {pid}"


def _refuse_foreign_port(s: Settings) -> None:
    for port in (s.kafka_port, s.kafka_controller_port):
        if port_open(port):
            raise InfraError(
                f"port {port} is taken by a process this script did not start; stop it or set "
                "KAFKA_PORT / KAFKA_CONTROLLER_PORT"
            )


def ensure_jars(s: Settings) -> None:
    """Copy the broker jars from Maven Central into the cache unless they are already there."""
    marker = s.kafka_libs / ".complete"
    pom_digest = hashlib.sha256(POM.read_bytes()).hexdigest()
    if marker.exists() and marker.read_text() == pom_digest:
        return
    require_command("java", apt_package="openjdk-17-jre-headless")
    mvn = require_command("mvn", apt_package="maven")
    shutil.rmtree(s.kafka_libs, ignore_errors=True)
    print(f"downloading Kafka jars into {s.kafka_libs} ...", flush=True)
    started = time.monotonic()
    run(
        [
            mvn,
            "-q",
            "-B",
            "-Dstyle.color=never",
            "-f",
            str(POM),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={s.kafka_libs}",
            f"-Dmaven.repo.local={s.cache_dir / 'm2'}",
        ],
        what="maven download of the Kafka jars",
        quiet=True,
    )
    marker.write_text(pom_digest)
    jars = len(list(s.kafka_libs.glob("*.jar")))
    print(f"  {jars} jars in {time.monotonic() - started:.1f} s")


def write_configs(s: Settings) -> None:
    """(Re)write server.properties and the log4j2 config from the current settings."""
    s.kafka_dir.mkdir(parents=True, exist_ok=True)
    (s.kafka_dir / "server.properties").write_text(_server_properties(s))
    (s.kafka_dir / "log4j2.properties").write_text(_log4j2_properties(s.kafka_dir / "kafka.log"))


def _server_properties(s: Settings) -> str:
    ctrl = s.kafka_controller_port
    settings = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@127.0.0.1:{ctrl}",
        "listeners": f"PLAINTEXT://127.0.0.1:{s.kafka_port},CONTROLLER://127.0.0.1:{ctrl}",
        "advertised.listeners": f"PLAINTEXT://127.0.0.1:{s.kafka_port}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs": str(s.kafka_dir / "data"),
        "num.partitions": str(TOPIC_PARTITIONS),
        "default.replication.factor": "1",
        "auto.create.topics.enable": "false",
        "offsets.topic.replication.factor": "1",
        # One partition: the first consumer-group join does not wait for 50 leaders.
        "offsets.topic.num.partitions": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "min.insync.replicas": "1",
        "group.initial.rebalance.delay.ms": "0",
    }
    header = "# Generated by scripts/infra.py on every `up`; edit the script, not this file.\n"
    return header + "".join(f"{key}={value}\n" for key, value in settings.items())


def _log4j2_properties(log_file: Path) -> str:
    return "\n".join(
        [
            "status = warn",
            "appender.file.type = RollingFile",
            "appender.file.name = FILE",
            f"appender.file.fileName = {log_file}",
            f"appender.file.filePattern = {log_file}.%i",
            "appender.file.policies.type = Policies",
            "appender.file.policies.size.type = SizeBasedTriggeringPolicy",
            "appender.file.policies.size.size = 20MB",
            "appender.file.strategy.type = DefaultRolloverStrategy",
            "appender.file.strategy.max = 3",
            "appender.file.layout.type = PatternLayout",
            "appender.file.layout.pattern = [%d] %p %m (%c)%n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = FILE",
            "logger.state.name = state.change.logger",
            "logger.state.level = WARN",
            "",
        ]
    )


def format_storage(s: Settings) -> None:
    """Format the KRaft log directory once (kept across down/up)."""
    if (s.kafka_dir / "data" / "meta.properties").exists():
        return
    cluster_id_file = s.kafka_dir / "cluster-id"
    if not cluster_id_file.exists():
        cluster_id_file.write_text(_new_cluster_id())
    run(
        [
            *_java(s),
            "kafka.tools.StorageTool",
            "format",
            "--ignore-formatted",
            f"--cluster-id={cluster_id_file.read_text().strip()}",
            "-c",
            str(s.kafka_dir / "server.properties"),
        ],
        what="kafka storage format",
        quiet=True,
    )


def _new_cluster_id() -> str:
    """Kafka's Uuid text form: URL-safe base64 of 16 random bytes, unpadded, no leading '-'."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode()[:22]
        if not cluster_id.startswith("-"):
            return cluster_id


def _java(s: Settings) -> list[str]:
    log4j = f"-Dlog4j2.configurationFile={s.kafka_dir / 'log4j2.properties'}"
    return ["java", *HEAP, "-Djava.awt.headless=true", log4j, "-cp", f"{s.kafka_libs}/*"]


def _launch(s: Settings) -> int:
    server_properties = str(s.kafka_dir / "server.properties")
    with (s.kafka_dir / "stdout.log").open("ab") as out:
        proc = subprocess.Popen(
            [*_java(s), "kafka.Kafka", server_properties],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=s.kafka_dir,
            env={**os.environ},
        )
    (s.kafka_dir / "pid").write_text(f"{proc.pid}\n")
    print(f"kafka starting (pid {proc.pid}), log {s.kafka_dir / 'kafka.log'}", flush=True)
    return proc.pid


def _wait_ready(s: Settings, pid: int) -> None:
    try:
        kafka_admin.run(
            kafka_admin.wait_ready(
                s.bootstrap_servers, alive=lambda: is_alive(pid), deadline_s=READY_TIMEOUT_S
            )
        )
    except InfraError as err:
        print(tail(s.kafka_dir / "stdout.log", 15), file=sys.stderr)
        print(tail(s.kafka_dir / "kafka.log"), file=sys.stderr)
        raise InfraError(f"kafka did not become ready: {err}") from err
