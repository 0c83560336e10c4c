"""The published contract: JSON Schemas and AsyncAPI stay in step with the models."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, cast

import pytest
import yaml
from jsonschema import Draft202012Validator

from ticketing_common import schemas
from ticketing_common.envelope import Event, new_envelope, to_record
from ticketing_common.events import TicketCreated, event_types

ALL_EVENTS = event_types()
ROOT = schemas.DEFAULT_ROOT


def load_schema(name: str) -> dict[str, Any]:
    return cast(dict[str, Any], json.loads((ROOT / "schemas" / name).read_text()))


@pytest.fixture
def copy_root(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    shutil.copy(ROOT / "asyncapi.yaml", tmp_path / "asyncapi.yaml")
    return tmp_path


def test_the_committed_files_match_the_models() -> None:
    assert schemas.check(ROOT) == []
    assert schemas.main(["check"]) == 0


def test_check_names_a_drifted_schema_file(
    copy_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = copy_root / "schemas" / "sla.breached.v1.json"
    target.write_text(target.read_text().replace("breached", "broken"))
    assert schemas.main(["check", "--root", str(copy_root)]) == 1
    assert "drifted: schemas/sla.breached.v1.json" in capsys.readouterr().err


def test_check_names_missing_and_extra_files(copy_root: Path) -> None:
    (copy_root / "schemas" / "ticket.created.v1.json").unlink()
    (copy_root / "schemas" / "ticket.created.v0.json").write_text("{}\n")
    assert schemas.check(copy_root) == [
        "missing: schemas/ticket.created.v1.json",
        "extra: schemas/ticket.created.v0.json",
    ]


def test_write_repairs_what_check_found(copy_root: Path) -> None:
    (copy_root / "asyncapi.yaml").write_text("asyncapi: 3.0.0\n")
    (copy_root / "schemas" / "stale.v1.json").write_text("{}\n")
    assert schemas.write(copy_root) == ["wrote: asyncapi.yaml", "deleted: schemas/stale.v1.json"]
    assert schemas.check(copy_root) == []


def test_rendering_is_deterministic() -> None:
    assert schemas.render() == schemas.render()


@pytest.mark.parametrize("cls", ALL_EVENTS, ids=lambda cls: cls.EVENT_TYPE)
def test_each_schema_is_valid_2020_12_and_accepts_its_examples(cls: type[Event]) -> None:
    schema = load_schema(f"{cls.EVENT_TYPE}.v{cls.VERSION}.json")
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == cls.dataschema()
    assert schema["title"] == cls.__name__
    assert schema["description"]
    assert schema["examples"]
    validator = Draft202012Validator(schema)
    for example in schema["examples"]:
        validator.validate(example)
        cls.model_validate(example)


@pytest.mark.parametrize("cls", ALL_EVENTS, ids=lambda cls: cls.EVENT_TYPE)
def test_each_schema_rejects_what_the_model_rejects(cls: type[Event]) -> None:
    schema = load_schema(f"{cls.EVENT_TYPE}.v{cls.VERSION}.json")
    example = schema["examples"][0]
    validator = Draft202012Validator(schema)
    assert not validator.is_valid({**example, "ticket_id": ""})
    assert not validator.is_valid({k: v for k, v in example.items() if k != "ticket_id"})


def test_the_envelope_schema_accepts_a_wire_record() -> None:
    schema = load_schema("cloudevent.json")
    Draft202012Validator.check_schema(schema)
    event = TicketCreated.model_validate(load_schema("ticket.created.v1.json")["examples"][0])
    envelope = new_envelope(
        event,
        source="/services/intake",
        subject=event.ticket_id,
        time=event.received_at,
        customer_id=event.customer_id,
        correlation_id="c-1",
        causation_id=None,
        sequence=1,
    )
    Draft202012Validator(schema).validate(json.loads(to_record(envelope).value))


def test_asyncapi_documents_every_event_type() -> None:
    doc = yaml.safe_load((ROOT / "asyncapi.yaml").read_text())
    assert doc["asyncapi"] == "3.0.0"
    assert doc["servers"]["local"] == {
        "host": "127.0.0.1:9092",
        "protocol": "kafka",
        "description": doc["servers"]["local"]["description"],
    }
    assert doc["channels"]["ticketEvents"]["address"] == "ticket-events"
    assert doc["channels"]["deadLetters"]["address"] == "ticket-events.dlq"
    messages = doc["components"]["messages"]
    for cls in ALL_EVENTS:
        message = messages[cls.__name__]
        assert message["name"] == cls.EVENT_TYPE
        assert message["contentType"] == "application/cloudevents+json"
        data_ref = message["payload"]["allOf"][1]["properties"]["data"]["$ref"]
        assert (ROOT / data_ref).is_file()
        assert load_schema(Path(data_ref).name)["$id"] == cls.dataschema()
        assert cls.__name__ in doc["channels"]["ticketEvents"]["messages"]


def test_asyncapi_documents_headers_and_key() -> None:
    doc = yaml.safe_load((ROOT / "asyncapi.yaml").read_text())
    components = doc["components"]
    event_headers = components["schemas"]["TicketEventHeaders"]["properties"]
    assert {"traceparent", "content-type"} <= set(event_headers)
    dlq_headers = components["schemas"]["DeadLetterHeaders"]["required"]
    assert set(dlq_headers) == {
        "dlq-reason",
        "dlq-attempts",
        "dlq-consumer-group",
        "dlq-original-topic",
        "dlq-original-partition",
        "dlq-original-offset",
    }
    assert components["messageBindings"]["ticketKey"]["kafka"]["key"]["type"] == "string"


def test_every_event_type_has_one_producer_and_reporting_receives_all() -> None:
    produced = [t for types in schemas.PRODUCERS.values() for t in types]
    cataloged = sorted(cls.EVENT_TYPE for cls in ALL_EVENTS)
    assert sorted(produced) == cataloged
    doc = yaml.safe_load((ROOT / "asyncapi.yaml").read_text())
    received = doc["operations"]["reportingReceivesTicketEvents"]["messages"]
    assert len(received) == len(ALL_EVENTS)
    for service, consumed in schemas.CONSUMERS.items():
        assert consumed is None or set(consumed) <= set(cataloged), service
