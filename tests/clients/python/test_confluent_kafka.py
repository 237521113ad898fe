"""The Python confluent-kafka client against a running registry (REGISTRY_URL).

Run by scripts/test.sh against the SQLite and the PostgreSQL origin.
"""

import json

import pytest
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from conftest import URL, USER_INFO, fresh

USER_V1 = json.dumps({"type": "record", "name": "User", "namespace": "py", "fields": [
    {"name": "name", "type": "string"},
    {"name": "age", "type": "int"},
]})
USER_V2 = json.dumps({"type": "record", "name": "User", "namespace": "py", "fields": [
    {"name": "name", "type": "string"},
    {"name": "age", "type": "int"},
    {"name": "email", "type": ["null", "string"], "default": None},
]})
USER_BAD = json.dumps({"type": "record", "name": "User", "namespace": "py", "fields": [
    {"name": "name", "type": "string"},
    {"name": "age", "type": "int"},
    {"name": "team", "type": "string"},
]})
TOOL_CALL = json.dumps({
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "ToolCall",
    "type": "object",
    "properties": {
        "tool": {"type": "string", "enum": ["search", "calculator"]},
        "arguments": {"type": "object"},
    },
    "required": ["tool", "arguments"],
    "additionalProperties": False,
})


def test_credentials_are_checked_when_auth_is_on():
    if not USER_INFO:
        pytest.skip("the registry runs without API keys here")
    user = USER_INFO.split(":", 1)[0]
    wrong = SchemaRegistryClient({"url": URL, "basic.auth.user.info": f"{user}:wrong"})
    with pytest.raises(SchemaRegistryError) as e:
        wrong.get_subjects()
    assert e.value.http_status_code == 401
    assert e.value.error_code == 40101


def test_register_get_lookup(client):
    subject = fresh("py-user-value")
    schema_id = client.register_schema(subject, Schema(USER_V1, "AVRO"))
    assert isinstance(schema_id, int)
    # Registering again returns the same id.
    assert client.register_schema(subject, Schema(USER_V1, "AVRO")) == schema_id
    fetched = client.get_schema(schema_id)
    assert json.loads(fetched.schema_str) == json.loads(USER_V1)
    assert fetched.schema_type == "AVRO"
    latest = client.get_latest_version(subject)
    assert (latest.schema_id, latest.version, latest.subject) == (schema_id, 1, subject)
    v1 = client.get_version(subject, 1)
    assert v1.schema_id == schema_id
    found = client.lookup_schema(subject, Schema(USER_V1, "AVRO"))
    assert (found.schema_id, found.version) == (schema_id, 1)
    with pytest.raises(SchemaRegistryError) as err:
        client.lookup_schema(subject, Schema(USER_V2, "AVRO"))
    assert err.value.http_status_code == 404
    assert err.value.error_code == 40403


def test_compatibility_and_config(client):
    subject = fresh("py-compat")
    client.register_schema(subject, Schema(USER_V1, "AVRO"))
    assert client.test_compatibility(subject, Schema(USER_V2, "AVRO")) is True
    assert client.test_compatibility(subject, Schema(USER_BAD, "AVRO")) is False
    with pytest.raises(SchemaRegistryError) as err:
        client.register_schema(subject, Schema(USER_BAD, "AVRO"))
    assert err.value.http_status_code == 409
    # The client returns the PUT response body, {"compatibility": LEVEL}.
    assert client.set_compatibility(subject_name=subject, level="FULL") == {"compatibility": "FULL"}
    assert client.get_compatibility(subject_name=subject) == "FULL"
    assert client.set_compatibility(subject_name=subject, level="NONE") == {"compatibility": "NONE"}
    client.register_schema(subject, Schema(USER_BAD, "AVRO"))
    assert client.get_latest_version(subject).version == 2


def test_delete_version_and_subject(client):
    subject = fresh("py-delete")
    client.register_schema(subject, Schema(USER_V1, "AVRO"))
    client.register_schema(subject, Schema(USER_V2, "AVRO"))
    assert client.delete_version(subject, 2) == 2
    assert client.get_latest_version(subject).version == 1
    assert client.delete_subject(subject) == [1]
    assert subject not in client.get_subjects()
    assert client.delete_subject(subject, permanent=True) == [1, 2]


def test_avro_serializer_round_trip(client):
    topic = fresh("py-avro-topic")
    serializer = AvroSerializer(client, USER_V2, conf={"auto.register.schemas": True})
    deserializer = AvroDeserializer(client)
    ctx = SerializationContext(topic, MessageField.VALUE)
    record = {"name": "Ada", "age": 36, "email": "ada@example.org"}
    payload = serializer(record, ctx)
    assert payload[0] == 0  # Confluent wire format: magic byte, then the schema id
    schema_id = int.from_bytes(payload[1:5], "big")
    assert client.get_latest_version(f"{topic}-value").schema_id == schema_id
    assert deserializer(payload, ctx) == record


def test_json_serializer_round_trip(client):
    topic = fresh("py-json-topic")
    serializer = JSONSerializer(TOOL_CALL, client, conf={"auto.register.schemas": True})
    deserializer = JSONDeserializer(TOOL_CALL, schema_registry_client=client)
    ctx = SerializationContext(topic, MessageField.VALUE)
    call = {"tool": "search", "arguments": {"q": "schema registry"}}
    payload = serializer(call, ctx)
    assert deserializer(payload, ctx) == call
    registered = client.get_latest_version(f"{topic}-value")
    assert registered.schema.schema_type == "JSON"
    with pytest.raises(Exception):
        serializer({"tool": "rm -rf", "arguments": {}}, ctx)
