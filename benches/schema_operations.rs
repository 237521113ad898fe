//! Core schema operations: parse, canonical form + fingerprint, compile, validate, compatibility.
//!
//! `cargo bench -p llm-schema-registry-benches --bench schema_operations`

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use registry_benches::{
    avro_history, avro_record, invalid_instance, json_object, proto_history,
    proto_invalid_instance, proto_message, proto_valid_instance, valid_instance,
};
use registry_core::{CompatibilityLevel, ParseOptions, Schema, SchemaType, Validator, compat};
use std::hint::black_box;

const SIZES: [usize; 3] = [10, 100, 500];

fn parse(ty: SchemaType, text: &str) -> Schema {
    Schema::parse(ty, text, &[], ParseOptions::default()).expect("generated schemas parse")
}

fn parse_and_fingerprint(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse+fingerprint");
    for n in SIZES {
        let (avro, json) = (avro_record(n), json_object(n));
        group.bench_with_input(BenchmarkId::new("avro", n), &avro, |b, t| {
            b.iter(|| parse(SchemaType::Avro, black_box(t)).fingerprint);
        });
        group.bench_with_input(BenchmarkId::new("json", n), &json, |b, t| {
            b.iter(|| parse(SchemaType::Json, black_box(t)).fingerprint);
        });
        let proto = proto_message(n);
        group.bench_with_input(BenchmarkId::new("protobuf", n), &proto, |b, t| {
            b.iter(|| parse(SchemaType::Protobuf, black_box(t)).fingerprint);
        });
    }
    group.finish();
    let mut group = c.benchmark_group("avro parsing canonical form");
    for n in SIZES {
        let schema = registry_core::avro::AvroSchema::parse(
            &avro_record(n),
            &[],
            registry_core::avro::ParseOptions::default(),
        )
        .expect("parses");
        group.bench_with_input(BenchmarkId::from_parameter(n), &schema, |b, s| {
            b.iter(|| registry_core::avro::canonical::crc64_fingerprint(black_box(s)));
        });
    }
    group.finish();
}

fn compile_and_validate(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    for n in SIZES {
        let json = parse(SchemaType::Json, &json_object(n));
        group.bench_with_input(BenchmarkId::new("json", n), &json, |b, s| {
            b.iter(|| Validator::compile(black_box(s)).expect("compiles"));
        });
    }
    group.finish();
    let mut group = c.benchmark_group("validate");
    for n in SIZES {
        for (ty, text) in [
            (SchemaType::Json, json_object(n)),
            (SchemaType::Avro, avro_record(n)),
        ] {
            let validator = Validator::compile(&parse(ty, &text)).expect("compiles");
            let (good, bad) = (valid_instance(n), invalid_instance(n));
            let name = ty.as_str().to_lowercase();
            group.bench_with_input(
                BenchmarkId::new(format!("{name}/valid/is_valid"), n),
                &good,
                |b, d| b.iter(|| validator.is_valid(black_box(d))),
            );
            group.bench_with_input(
                BenchmarkId::new(format!("{name}/invalid/errors"), n),
                &bad,
                |b, d| b.iter(|| validator.validate(black_box(d)).len()),
            );
        }
    }
    for n in SIZES {
        let validator =
            Validator::compile(&parse(SchemaType::Protobuf, &proto_message(n))).expect("compiles");
        let (good, bad) = (proto_valid_instance(n), proto_invalid_instance(n));
        group.bench_with_input(
            BenchmarkId::new("protobuf/valid/is_valid", n),
            &good,
            |b, d| b.iter(|| validator.is_valid(black_box(d))),
        );
        group.bench_with_input(
            BenchmarkId::new("protobuf/invalid/errors", n),
            &bad,
            |b, d| b.iter(|| validator.validate(black_box(d)).len()),
        );
    }
    group.finish();
}

fn compatibility(c: &mut Criterion) {
    let mut group = c.benchmark_group("compatibility 100 fields");
    let history: Vec<Schema> = avro_history(100, 51)
        .iter()
        .map(|t| parse(SchemaType::Avro, t))
        .collect();
    let (new, old) = history.split_last().expect("versions");
    let latest = [old.last().expect("one")];
    group.bench_function("avro BACKWARD vs 1", |b| {
        b.iter(|| {
            compat::check(CompatibilityLevel::Backward, black_box(new), &latest)
                .expect("within budget")
                .compatible
        });
    });
    let all: Vec<&Schema> = old.iter().collect();
    group.bench_function("avro FULL_TRANSITIVE vs 50", |b| {
        b.iter(|| {
            compat::check(CompatibilityLevel::FullTransitive, black_box(new), &all)
                .expect("within budget")
                .compatible
        });
    });
    let json_v1 = parse(SchemaType::Json, &json_object(100));
    let json_v2 = parse(SchemaType::Json, &json_object(100));
    let json_old = vec![&json_v1; 50];
    group.bench_function("json BACKWARD vs 1", |b| {
        b.iter(|| {
            compat::check(
                CompatibilityLevel::Backward,
                black_box(&json_v2),
                &json_old[..1],
            )
            .expect("within budget")
            .compatible
        });
    });
    group.bench_function("json FULL_TRANSITIVE vs 50", |b| {
        b.iter(|| {
            compat::check(
                CompatibilityLevel::FullTransitive,
                black_box(&json_v2),
                &json_old,
            )
            .expect("within budget")
            .compatible
        });
    });
    let history: Vec<Schema> = proto_history(100, 51)
        .iter()
        .map(|t| parse(SchemaType::Protobuf, t))
        .collect();
    let (new, old) = history.split_last().expect("versions");
    let latest = [old.last().expect("one")];
    group.bench_function("protobuf BACKWARD vs 1", |b| {
        b.iter(|| {
            compat::check(CompatibilityLevel::Backward, black_box(new), &latest)
                .expect("within budget")
                .compatible
        });
    });
    let all: Vec<&Schema> = old.iter().collect();
    group.bench_function("protobuf FULL_TRANSITIVE vs 50", |b| {
        b.iter(|| {
            compat::check(CompatibilityLevel::FullTransitive, black_box(new), &all)
                .expect("within budget")
                .compatible
        });
    });
    group.finish();
}

criterion_group!(
    benches,
    parse_and_fingerprint,
    compile_and_validate,
    compatibility
);
criterion_main!(benches);
