"""Shared by the client tests: where the registry is, how to reach it, fresh subject names."""

import os
import uuid

import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient

URL = os.environ.get("REGISTRY_URL", "http://127.0.0.1:8081")
# "KEY_ID:SECRET" when the registry runs with API keys on (sent as HTTP Basic).
USER_INFO = os.environ.get("REGISTRY_USER_INFO")


def client_conf():
    conf = {"url": URL}
    if USER_INFO:
        conf["basic.auth.user.info"] = USER_INFO
    return conf


@pytest.fixture
def client():
    return SchemaRegistryClient(client_conf())


def fresh(name):
    return f"{name}-{uuid.uuid4().hex[:8]}"
