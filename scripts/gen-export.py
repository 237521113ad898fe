"""Writes an export file (the format of `schema-registry export`) of N generated schemas, for
benchmarks: Avro records (and every tenth a JSON Schema) with business-like names, docs and
PII tags, ids 1..N, one version per subject. Usage: gen-export.py N FILE"""
import json
import random
import sys

n, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(42)
ENTITIES = ["order", "customer", "payment", "invoice", "shipment", "inventory", "refund", "account"]
FIELDS = ["id", "status", "amount", "currency", "createdAt", "updatedAt", "email", "country", "note", "quantity"]
with open(path, "w") as f:
    f.write(json.dumps({"kind": "header", "format": "llm-schema-registry-export", "version": 1, "source": "generated", "schemas": n}) + "\n")
    for i in range(1, n + 1):
        entity = ENTITIES[i % len(ENTITIES)]
        subject = f"{entity}.entity{i}-value"
        fields = rng.sample(FIELDS, 5)
        if i % 10 == 0:
            schema = {"title": f"Entity{i}", "type": "object", "description": f"A {entity} record, generated",
                      "properties": {name: {"type": "string", "description": f"the {name}"} for name in fields}}
            line = {"kind": "schema", "subject": subject, "version": 1, "id": i, "schemaType": "JSON", "schema": json.dumps(schema), "references": []}
        else:
            avro_fields = [{"name": name, "type": "string", "doc": f"The {entity}'s {name}"} for name in fields]
            if "email" in fields:
                avro_fields[fields.index("email")]["confluent:tags"] = ["PII"]
            schema = {"type": "record", "name": f"Entity{i}", "namespace": f"com.acme.{entity}", "doc": f"A {entity} event", "fields": avro_fields}
            line = {"kind": "schema", "subject": subject, "version": 1, "id": i, "schemaType": "AVRO", "schema": json.dumps(schema), "references": []}
        f.write(json.dumps(line) + "\n")
