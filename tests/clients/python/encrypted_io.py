"""Field encryption with confluent-kafka's ENCRYPT rule executor and its local KMS, one
message per process (the executor and Tink keep keys and KMS clients per process, so a
consumer "without KMS access" must be a process that never had the secret).

    python encrypted_io.py produce AVRO|JSON SUBJECT VALUE_JSON [SECRET]   -> hex payload
    python encrypted_io.py consume AVRO|JSON SUBJECT HEX_PAYLOAD [SECRET]  -> value JSON

Used by test_confluent_kafka_encryption.py and by the Node client's interop test.
"""

import json
import sys

from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.schema_registry.rules.encryption.encrypt_executor import FieldEncryptionExecutor
from confluent_kafka.schema_registry.rules.encryption.localkms.local_driver import LocalKmsDriver
from confluent_kafka.serialization import MessageField, SerializationContext

from conftest import client_conf


def serdes(kind, secret):
    FieldEncryptionExecutor.register()
    LocalKmsDriver.register()
    client = SchemaRegistryClient(client_conf())
    rule_conf = {"secret": secret} if secret else {}
    conf = {"auto.register.schemas": False, "use.latest.version": True}
    if kind == "AVRO":
        return (AvroSerializer(client, None, conf=conf, rule_conf=rule_conf),
                AvroDeserializer(client, rule_conf=rule_conf))
    conf["validate"] = False
    return (JSONSerializer(None, client, conf=conf, rule_conf=rule_conf),
            JSONDeserializer(None, schema_registry_client=client, rule_conf=rule_conf))


def context(subject):
    topic = subject.removesuffix("-value")
    return SerializationContext(topic, MessageField.VALUE)


def main(argv):
    action, kind, subject, data = argv[:4]
    secret = argv[4] if len(argv) > 4 else None
    serializer, deserializer = serdes(kind, secret)
    if action == "produce":
        print(serializer(json.loads(data), context(subject)).hex())
    else:
        print(json.dumps(deserializer(bytes.fromhex(data), context(subject))))


if __name__ == "__main__":
    main(sys.argv[1:])
