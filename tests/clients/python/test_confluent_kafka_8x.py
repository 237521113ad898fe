"""What the newest confluent-kafka leans on from a Confluent 8.x registry: schema guids and the
header wire format, config with all its fields, associations and the ASSOCIATED subject name
strategy, use.latest.with.metadata, the id-usage queries; sync and async clients alike.

Run by scripts/test.sh against the SQLite and the PostgreSQL origin.
"""

import asyncio
import json
import uuid

import pytest
from confluent_kafka.schema_registry import (
    AssociationCreateOrUpdateInfo,
    AssociationCreateOrUpdateRequest,
    AsyncSchemaRegistryClient,
    ConfigCompatibilityLevel,
    Metadata,
    MetadataProperties,
    MetadataTags,
    Schema,
    ServerConfig,
    dual_schema_id_deserializer,
    header_schema_id_serializer,
)
from confluent_kafka.schema_registry._async.avro import AsyncAvroDeserializer, AsyncAvroSerializer
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext, SerializationError

from conftest import USER_INFO, client_conf, fresh

CLUSTER = "lkc-test"


def order(fields=()):
    return json.dumps({"type": "record", "name": "Order", "namespace": "py8", "fields": [
        {"name": "id", "type": "string"},
        *fields,
    ]})


ORDER = order()
ORDER_V2 = order([{"name": "note", "type": ["null", "string"], "default": None}])
REPLY = json.dumps({
    "type": "object",
    "properties": {"text": {"type": "string"}},
    "required": ["text"],
})


def test_full_response_carries_the_guid(client):
    subject = fresh("py8-guid")
    registered = client.register_schema_full_response(subject, Schema(ORDER, "AVRO"))
    assert registered.schema_id > 0 and registered.version == 1
    guid = uuid.UUID(registered.guid)
    # A fresh client (no cache) finds the schema by its guid, and by id with the same guid.
    fresh_client = type(client)(client_conf())
    by_guid = fresh_client.get_schema_by_guid(str(guid))
    assert json.loads(by_guid.schema_str) == json.loads(ORDER)
    assert fresh_client.lookup_schema(subject, Schema(ORDER, "AVRO")).guid == str(guid)
    assert fresh_client.get_latest_version(subject).guid == str(guid)
    with pytest.raises(SchemaRegistryError) as e:
        fresh_client.get_schema_by_guid(str(uuid.uuid4()))
    assert (e.value.http_status_code, e.value.error_code) == (404, 40403)


@pytest.mark.parametrize("kind", ["AVRO", "JSON"])
def test_header_schema_id_round_trip(client, kind):
    topic = fresh(f"py8-header-{kind.lower()}")
    conf = {"schema.id.serializer": header_schema_id_serializer}
    if kind == "AVRO":
        serializer = AvroSerializer(client, ORDER, conf=conf)
        deserializer = AvroDeserializer(client, conf={"schema.id.deserializer": dual_schema_id_deserializer})
        # Long enough for the client's own framing check (6 bytes at least).
        value = {"id": "order-000001"}
    else:
        serializer = JSONSerializer(REPLY, client, conf=conf)
        deserializer = JSONDeserializer(REPLY, schema_registry_client=client)
        value = {"text": "hello"}
    headers = []
    ctx = SerializationContext(topic, MessageField.VALUE, headers)
    payload = serializer(value, ctx)
    # The guid travels in the header (magic byte 1, then 16 bytes); the payload has no prefix.
    (name, header), = headers
    assert name == "__value_schema_id" and header[0] == 1 and len(header) == 17
    registered = client.get_latest_version(f"{topic}-value")
    assert uuid.UUID(bytes=header[1:17]) == uuid.UUID(registered.guid)
    assert payload[:1] != b"\x00"
    # A deserializer with an empty cache resolves the guid through the registry.
    assert deserializer(payload, SerializationContext(topic, MessageField.VALUE, headers)) == value


def test_config_with_every_field(client):
    subject = fresh("py8-config")
    config = ServerConfig(
        compatibility=ConfigCompatibilityLevel.BACKWARD,
        compatibility_group="app.major",
        default_metadata=Metadata(
            tags=MetadataTags({}), properties=MetadataProperties({"owner": "team-a"}), sensitive=[]
        ),
        override_metadata=Metadata(
            tags=MetadataTags({}), properties=MetadataProperties({"tier": "gold"}), sensitive=[]
        ),
    )
    client.set_config(subject, config)
    got = client.get_config(subject)
    assert got.compatibility_level.value == "BACKWARD"
    assert got.compatibility_group == "app.major"
    assert got.default_metadata.properties.properties == {"owner": "team-a"}
    assert got.override_metadata.properties.properties == {"tier": "gold"}
    # New versions carry the merged metadata.
    client.register_schema(subject, Schema(ORDER, "AVRO"))
    latest = client.get_latest_version(subject)
    assert latest.schema.metadata.properties.properties == {"owner": "team-a", "tier": "gold"}
    deleted = client.delete_config(subject)
    assert deleted.compatibility_group == "app.major"
    with pytest.raises(SchemaRegistryError) as e:
        client.get_config(subject)
    assert e.value.error_code == 40408


def test_compatibility_group_limits_the_check(client):
    subject = fresh("py8-group")
    client.set_config(subject, ServerConfig(
        compatibility=ConfigCompatibilityLevel.BACKWARD, compatibility_group="major"))

    def with_major(schema, major):
        return Schema(schema, "AVRO", metadata=Metadata(
            tags=MetadataTags({}), properties=MetadataProperties({"major": major}), sensitive=[]))

    client.register_schema(subject, with_major(ORDER, "1"))
    breaking = json.dumps({"type": "record", "name": "Order", "namespace": "py8", "fields": [
        {"name": "id", "type": "long"},
    ]})
    with pytest.raises(SchemaRegistryError) as e:
        client.register_schema(subject, with_major(breaking, "1"))
    assert (e.value.http_status_code, e.value.error_code) == (409, 40901)
    # Another major version is not compared with major 1.
    client.register_schema(subject, with_major(breaking, "2"))
    assert client.get_latest_version(subject).version == 2


def test_use_latest_with_metadata(client):
    topic = fresh("py8-latest-meta")
    subject = f"{topic}-value"
    client.set_compatibility(subject, "NONE")
    for schema, app in [(ORDER, "v1"), (ORDER_V2, "v2")]:
        client.register_schema(subject, Schema(schema, "AVRO", metadata=Metadata(
            tags=MetadataTags({}), properties=MetadataProperties({"app": app}), sensitive=[])))
    v1 = client.get_version(subject, 1)
    serializer = AvroSerializer(client, None, conf={
        "auto.register.schemas": False, "use.latest.with.metadata": {"app": "v1"},
    })
    payload = serializer({"id": "o-2"}, SerializationContext(topic, MessageField.VALUE))
    assert int.from_bytes(payload[1:5], "big") == v1.schema_id
    found = client.get_latest_with_metadata(subject, {"app": "v2"})
    assert found.version == 2


def test_associations_and_the_associated_strategy(client):
    topic = fresh("py8-assoc")
    subject = fresh("py8-orders")
    client.register_schema(subject, Schema(ORDER, "AVRO"))
    request = AssociationCreateOrUpdateRequest(
        resource_name=topic,
        resource_namespace=CLUSTER,
        resource_type="topic",
        associations=[AssociationCreateOrUpdateInfo(subject=subject, association_type="value")],
    )
    created = client.create_association(request)
    assert created.resource_name == topic
    assert [a.subject for a in created.associations] == [subject]
    listed = client.get_associations_by_resource_name(topic, "-", association_types=["value"])
    assert [(a.subject, a.association_type) for a in listed] == [(subject, "value")]
    assert client.get_associations_by_resource_name(topic, CLUSTER, association_types=["key"]) == []

    # The serializer's ASSOCIATED strategy resolves the subject through the association.
    strategy_conf = {"subject.name.strategy.kafka.cluster.id": CLUSTER,
                     "subject.name.strategy.fallback.type": "NONE"}
    serializer = AvroSerializer(client, ORDER, conf={
        "subject.name.strategy.type": "ASSOCIATED",
        "subject.name.strategy.conf": strategy_conf,
        "auto.register.schemas": False,
    })
    payload = serializer({"id": "o-3"}, SerializationContext(topic, MessageField.VALUE))
    assert int.from_bytes(payload[1:5], "big") == client.get_latest_version(subject).schema_id
    # No association for the key: with fallback NONE that is an error, not a guess.
    key_serializer = AvroSerializer(client, ORDER, conf={
        "subject.name.strategy.type": "ASSOCIATED",
        "subject.name.strategy.conf": strategy_conf,
    })
    with pytest.raises(SerializationError):
        key_serializer({"id": "k"}, SerializationContext(topic, MessageField.KEY))

    with pytest.raises(SchemaRegistryError) as e:
        client.create_association(request)
    assert e.value.http_status_code == 409
    resource_id = created.resource_id
    client.delete_associations(resource_id, association_types=["value"])
    assert client.get_associations_by_resource_name(topic, CLUSTER) == []


def test_association_with_a_new_schema(client):
    topic = fresh("py8-assoc-new")
    subject = f"{topic}-key"
    request = AssociationCreateOrUpdateRequest(
        resource_name=topic,
        resource_namespace=CLUSTER,
        associations=[AssociationCreateOrUpdateInfo(
            subject=subject, association_type="key", schema=Schema(ORDER, "AVRO"))],
    )
    client.create_association(request)
    assert client.get_latest_version(subject).version == 1
    # cascadeLifecycle with a STRONG association (the default) deletes the subject for good.
    client.delete_associations(f"{CLUSTER}:{topic}", cascade_lifecycle=True)
    assert subject not in client.get_subjects(deleted=True)


def test_id_usage_queries(client):
    schema = Schema(order([{"name": f"shared_{uuid.uuid4().hex[:8]}", "type": "int"}]), "AVRO")
    subjects = sorted(fresh("py8-usage") for _ in range(3))
    schema_id = None
    for subject in subjects:
        schema_id = client.register_schema(subject, schema)
    assert client.get_subjects_by_schema_id(schema_id) == subjects
    assert client.get_subjects_by_schema_id(schema_id, offset=1, limit=1) == subjects[1:2]
    assert client.get_subjects_by_schema_id(schema_id, subject_name=subjects[2]) == subjects[2:]
    pairs = client.get_schema_versions(schema_id, subject_name=subjects[0])
    assert [(p.subject, p.version) for p in pairs] == [(subjects[0], 1)]
    client.delete_version(subjects[0], 1)
    assert client.get_subjects_by_schema_id(schema_id) == subjects[1:]
    assert client.get_subjects_by_schema_id(schema_id, deleted=True) == subjects
    assert client.get_versions(subjects[1]) == [1]
    assert client.get_contexts()[0] == "."


def test_contexts(client):
    context = f".{fresh('py8ctx')}"
    subject = f":{context}:orders-value"
    schema_id = client.register_schema(subject, Schema(ORDER, "AVRO"))
    assert context in client.get_contexts()
    assert client.get_subjects(subject_prefix=f":{context}:") == [subject]
    # A client whose URL is the context's prefix sees the context's subjects by their names.
    conf = client_conf()
    conf["url"] = f"{conf['url']}/contexts/{context}"
    in_context = type(client)(conf)
    latest = in_context.get_latest_version("orders-value")
    assert (latest.subject, latest.schema_id) == (subject, schema_id)
    assert in_context.get_subjects() == [subject]
    # Ids are the context's own, as in Confluent: its first schema is 1 there, and a read by id
    # through the prefix finds it in the context.
    assert schema_id == 1
    assert json.loads(in_context.get_schema(schema_id).schema_str) == json.loads(ORDER)


def test_modes(client):
    subject = fresh("py8-mode")
    client.register_schema(subject, Schema(ORDER, "AVRO"))
    if USER_INFO:
        # With API keys on, the clients hold a write key, and modes are for admins.
        with pytest.raises(SchemaRegistryError) as e:
            client.update_mode(subject, "READONLY")
        assert (e.value.http_status_code, e.value.error_code) == (403, 40301)
        return
    assert client.update_mode(subject, "READONLY") == "READONLY"
    assert client.get_mode(subject) == "READONLY"
    with pytest.raises(SchemaRegistryError) as e:
        client.register_schema(subject, Schema(ORDER_V2, "AVRO"))
    assert e.value.error_code == 42205
    client.delete_mode(subject)
    client.register_schema(subject, Schema(ORDER_V2, "AVRO"))


def test_async_client_and_serdes():
    async def run():
        client = AsyncSchemaRegistryClient(client_conf())
        try:
            topic = fresh("py8-async")
            subject = f"{topic}-value"
            own = {"name": f"async_{uuid.uuid4().hex[:8]}", "type": "boolean", "default": True}
            first = order([own])
            second = order([own, {"name": "note", "type": ["null", "string"], "default": None}])
            registered = await client.register_schema_full_response(subject, Schema(first, "AVRO"))
            assert registered.guid
            fetched = await AsyncSchemaRegistryClient(client_conf()).get_schema_by_guid(registered.guid)
            assert json.loads(fetched.schema_str) == json.loads(first)
            assert (await client.get_latest_version(subject)).schema_id == registered.schema_id
            assert await client.get_subjects_by_schema_id(registered.schema_id) == [subject]
            listed = await client.get_associations_by_resource_name(topic, "-")
            assert listed == []

            serializer = await AsyncAvroSerializer(client, second, conf={
                "schema.id.serializer": header_schema_id_serializer,
            })
            deserializer = await AsyncAvroDeserializer(client)
            headers = []
            ctx = SerializationContext(topic, MessageField.VALUE, headers)
            value = {"id": "o-4", own["name"]: True, "note": "async"}
            payload = await serializer(value, ctx)
            assert await deserializer(payload, SerializationContext(topic, MessageField.VALUE, headers)) == value
            # Registered by the serializer as the subject's second version.
            assert (await client.get_version(subject, 2)).schema_id != registered.schema_id
        finally:
            await client.aclose()

    asyncio.run(run())


def test_cel_rules_run_from_the_registered_rule_set(client):
    from confluent_kafka.schema_registry import Rule, RuleKind, RuleMode, RuleSet
    from confluent_kafka.schema_registry.rules.cel.cel_executor import CelExecutor
    from confluent_kafka.schema_registry.rules.cel.cel_field_executor import CelFieldExecutor

    CelExecutor.register()
    CelFieldExecutor.register()
    topic = fresh("py8-cel")
    subject = f"{topic}-value"
    schema = json.dumps({"type": "record", "name": "Reply", "namespace": "py8", "fields": [
        {"name": "model", "type": "string"},
        {"name": "text", "type": "string"},
    ]})
    condition = Rule("known-model", None, RuleKind.CONDITION, RuleMode.WRITE, "CEL", None, None,
                     "message.model in ['small', 'large']", None, None, False)
    mark = Rule("text-mark", None, RuleKind.TRANSFORM, RuleMode.WRITE, "CEL_FIELD", None, None,
                "name == 'text' ; value + ' [checked]'", None, None, False)
    client.register_schema(subject, Schema(schema, "AVRO", rule_set=RuleSet(None, [condition, mark])))
    # The rules come back from the registry as registered.
    stored = client.get_latest_version(subject).schema.rule_set.domain_rules
    assert [r.name for r in stored] == ["known-model", "text-mark"]

    conf = {"auto.register.schemas": False, "use.latest.version": True}
    serializer = AvroSerializer(client, None, conf=conf)
    deserializer = AvroDeserializer(client)
    ctx = SerializationContext(topic, MessageField.VALUE)
    payload = serializer({"model": "small", "text": "hi there"}, ctx)
    assert deserializer(payload, ctx) == {"model": "small", "text": "hi there [checked]"}
    with pytest.raises(SerializationError):
        serializer({"model": "unknown", "text": "x"}, ctx)
