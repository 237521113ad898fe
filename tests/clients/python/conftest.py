"""Shared by the client tests: where the registry is, how to reach it, fresh subject names."""

import os
import uuid

import pytest
from confluent_kafka.schema_registry import SchemaRegistryClient

URL = os.environ.get("REGISTRY_URL", "http://127.0.0.1:8081")
# "KEY_ID:SECRET" when the registry runs with API keys on (sent as HTTP Basic).
USER_INFO = os.environ.get("REGISTRY_USER_INFO")
# An admin key's "KEY_ID:SECRET" when keys are on (KEKs are managed by admins).
ADMIN_USER_INFO = os.environ.get("REGISTRY_ADMIN_USER_INFO")


def client_conf(user_info=USER_INFO):
    conf = {"url": URL}
    if user_info:
        conf["basic.auth.user.info"] = user_info
    return conf


def admin_conf():
    return client_conf(ADMIN_USER_INFO or USER_INFO)


@pytest.fixture
def client():
    return SchemaRegistryClient(client_conf())


def fresh(name):
    return f"{name}-{uuid.uuid4().hex[:8]}"
