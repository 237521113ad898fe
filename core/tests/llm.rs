//! The LLM profiles as tables of cases (`tests/data/llm/`): lint verdicts per provider, the
//! transform and export of everything that can fit, model-output extraction over a corpus of
//! realistic outputs, and the streaming validator against the full one on every prefix.

use registry_core::llm::{self, Naming, Usage, profile};
use registry_core::{ParseOptions, Schema, SchemaType, Validator};
use serde_json::{Value, json};

fn data(name: &str) -> Value {
    let path = format!("{}/../tests/data/llm/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect(&path)).expect(&path)
}

fn validator(schema: &Value) -> Validator {
    let parsed = Schema::parse(
        SchemaType::Json,
        &schema.to_string(),
        &[],
        ParseOptions::default(),
    )
    .expect("a valid JSON Schema");
    Validator::compile(&parsed).expect("compiles")
}

/// The schema of a case: given, or generated from its size fields.
fn case_schema(case: &Value) -> Value {
    if let Some(s) = case.get("schema") {
        return s.clone();
    }
    let closed = |properties: Value, required: Vec<String>| json!({"type": "object", "additionalProperties": false, "properties": properties, "required": required});
    if let Some(n) = case["nested"].as_u64() {
        let mut s = closed(json!({"leaf": {"type": "string"}}), vec!["leaf".into()]);
        for _ in 1..n {
            s = closed(json!({"child": s}), vec!["child".into()]);
        }
        return s;
    }
    if let Some(n) = case["enum_values"].as_u64() {
        let len = case["enum_value_length"].as_u64().unwrap_or(1) as usize;
        let values: Vec<String> = (0..n).map(|i| format!("{i:0>len$}")).collect();
        return closed(
            json!({"e": {"type": "string", "enum": values}}),
            vec!["e".into()],
        );
    }
    let n = case["optional_properties"]
        .as_u64()
        .expect("a schema or a size");
    let props: serde_json::Map<String, Value> = (0..n)
        .map(|i| (format!("p{i}"), json!({"type": "string"})))
        .collect();
    closed(Value::Object(props), Vec::new())
}

#[test]
fn lint_cases() {
    let cases = data("lint-cases.json");
    let mut checked = 0;
    for case in cases.as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let profile = profile::find(case["profile"].as_str().unwrap()).expect(name);
        let schema = case_schema(case);
        let found = llm::lint(&schema, profile);
        let mut rules: Vec<&str> = found.iter().map(|d| d.rule.as_str()).collect();
        let mut want: Vec<&str> = case["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        rules.sort_unstable();
        want.sort_unstable();
        assert_eq!(rules, want, "{name}: {found:#?}");
        for d in &found {
            assert!(
                profile.rule(&d.rule).is_some(),
                "{name}: rule {} is not in {}'s table",
                d.rule,
                profile.id
            );
            assert!(!d.message.is_empty() && !d.fix.is_empty(), "{name}");
        }
        if let Some(paths) = case.get("paths") {
            let got: Vec<&str> = found.iter().map(|d| d.path.as_str()).collect();
            assert_eq!(json!(got), *paths, "{name}");
        }
        let transformed = llm::transform(&schema, profile);
        match case["transforms"].as_bool() {
            None => {
                let t = transformed.unwrap_or_else(|e| panic!("{name}: {e:#?}"));
                assert_eq!(
                    t.schema, schema,
                    "{name}: a fitting schema is left as it is"
                );
            }
            Some(true) => {
                let t = transformed.unwrap_or_else(|e| panic!("{name}: {e:#?}"));
                assert!(llm::lint(&t.schema, profile).is_empty(), "{name}");
                assert!(!t.changes.is_empty(), "{name}: says what it changed");
                if !profile.upper_case_types {
                    validator(&t.schema);
                }
            }
            Some(false) => {
                let refused = transformed.expect_err(name);
                assert!(
                    !refused.is_empty() && refused.iter().all(|d| !d.fixable),
                    "{name}"
                );
            }
        }
        checked += 1;
    }
    println!("lint cases: {checked} passed");
}

#[test]
fn transform_makes_optional_nullable_and_keeps_values_valid() {
    let schema = json!({
        "title": "Order",
        "type": "object",
        "properties": {
            "id": {"type": "string", "minLength": 3},
            "note": {"type": "string"},
            "status": {"enum": ["open", "closed"]},
            "lines": {"type": "array", "items": {"$ref": "#/definitions/Line"}}
        },
        "required": ["id"],
        "definitions": {"Line": {"type": "object", "properties": {"sku": {"type": "string"}, "qty": {"type": "integer"}}, "required": ["sku"]}}
    });
    let openai = profile::find("openai").unwrap();
    let t = llm::transform(&schema, openai).unwrap();
    let s = &t.schema;
    assert_eq!(s["required"], json!(["id", "note", "status", "lines"]));
    assert_eq!(s["additionalProperties"], json!(false));
    assert_eq!(s["properties"]["note"]["type"], json!(["string", "null"]));
    assert_eq!(
        s["properties"]["status"]["enum"],
        json!(["open", "closed", null])
    );
    assert_eq!(s["properties"]["lines"]["type"], json!(["array", "null"]));
    assert_eq!(
        s["properties"]["id"]["description"],
        json!("(minLength: 3)")
    );
    assert_eq!(s["$defs"]["Line"]["additionalProperties"], json!(false));
    assert_eq!(
        s["properties"]["lines"]["items"]["$ref"],
        json!("#/$defs/Line")
    );
    assert!(
        t.changes
            .iter()
            .any(|c| c.warning && c.message.contains("minLength"))
    );
    // What the model writes under the transformed schema, nulls for what it had no value for,
    // is what the original accepts once the nulls are dropped.
    let answer =
        json!({"id": "A-1", "note": null, "status": null, "lines": [{"sku": "x", "qty": null}]});
    assert!(validator(s).is_valid(&answer));
    let gemini = llm::transform(&schema, profile::find("gemini-schema").unwrap()).unwrap();
    assert_eq!(
        gemini.schema["properties"]["lines"]["items"]["type"],
        json!("OBJECT")
    );
    assert!(gemini.schema.get("definitions").is_none() && gemini.schema.get("$defs").is_none());
}

#[test]
fn exports_have_each_providers_shape() {
    let schema = json!({"title": "Weather query", "description": "Where to look", "type": "object",
        "properties": {"city": {"type": "string"}}, "required": ["city"]});
    let naming = Naming {
        name: None,
        description: None,
        fallback: "weather-value",
    };
    let shape = |p: &str, usage| {
        let profile = profile::find(p).unwrap();
        llm::export(&schema, profile, usage, &naming)
            .unwrap()
            .fragment
    };
    let rf = shape("openai", Usage::ResponseFormat);
    assert_eq!(rf["type"], "json_schema");
    assert_eq!(rf["json_schema"]["name"], "Weather_query");
    assert_eq!(rf["json_schema"]["strict"], true);
    assert_eq!(rf["json_schema"]["schema"]["additionalProperties"], false);
    let tool = shape("openai", Usage::Tool);
    assert_eq!(tool["function"]["parameters"]["required"], json!(["city"]));
    assert_eq!(tool["function"]["description"], "Where to look");
    assert_eq!(
        shape("anthropic", Usage::Tool)["input_schema"]["type"],
        "object"
    );
    assert_eq!(
        shape("anthropic", Usage::ResponseFormat)["type"],
        "json_schema"
    );
    assert_eq!(
        shape("anthropic-tools", Usage::Tool)["input_schema"],
        schema
    );
    assert_eq!(
        shape("gemini", Usage::ResponseFormat)["responseJsonSchema"]["type"],
        "object"
    );
    assert_eq!(
        shape("gemini", Usage::Tool)["functionDeclarations"][0]["name"],
        "Weather_query"
    );
    assert_eq!(
        shape("gemini-schema", Usage::Tool)["functionDeclarations"][0]["parameters"]["type"],
        "OBJECT"
    );
    assert_eq!(shape("mcp", Usage::Tool)["inputSchema"], schema);
    assert_eq!(shape("mcp", Usage::ResponseFormat)["outputSchema"], schema);
    let named = Naming {
        name: Some("get weather!"),
        description: Some("d"),
        fallback: "x",
    };
    let f = llm::export(
        &schema,
        profile::find("openai").unwrap(),
        Usage::Tool,
        &named,
    )
    .unwrap();
    assert_eq!(f.fragment["function"]["name"], "get_weather_");
    assert_eq!(f.fragment["function"]["description"], "d");
    let anthropic_tools = profile::find("anthropic-tools").unwrap();
    assert!(llm::export(&schema, anthropic_tools, Usage::ResponseFormat, &naming).is_err());
    assert_eq!(llm::export::tool_name(""), "schema");
    assert_eq!(llm::export::tool_name(&"x".repeat(99)).len(), 64);
}

#[test]
fn model_outputs() {
    let corpus = data("outputs.json");
    let v = validator(&corpus["schema"]);
    let mut checked = 0;
    for case in corpus["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let text = case["text"].as_str().unwrap();
        let want = &case["expect"];
        let r = llm::check_output(text, &v);
        let got = serde_json::to_value(&r).unwrap();
        assert_eq!(r.valid, want["valid"].as_bool().unwrap(), "{name}: {got:#}");
        assert_eq!(r.repair.is_some(), !r.valid, "{name}");
        let checks = [
            ("found", got["output"]["found"].clone()),
            ("candidates", got["output"]["candidates"].clone()),
            ("truncated", got["output"]["truncated"].clone()),
            ("value", got["value"].clone()),
            ("start_line", got["output"]["start"]["line"].clone()),
            ("start_offset", got["output"]["start"]["offset"].clone()),
            (
                "problem_offset",
                got["output"]["problem"]["at"]["offset"].clone(),
            ),
        ];
        for (key, value) in checks {
            if let Some(w) = want.get(key) {
                assert_eq!(&value, w, "{name}: {key} in {got:#}");
            }
        }
        if let Some(w) = want["problem_contains"].as_str() {
            let m = got["output"]["problem"]["message"]
                .as_str()
                .unwrap_or_default();
            assert!(m.contains(w), "{name}: {m}");
        }
        for w in want["repair_contains"].as_array().into_iter().flatten() {
            let repair = r.repair.as_deref().unwrap_or_default();
            assert!(repair.contains(w.as_str().unwrap()), "{name}: {repair}");
        }
        checked += 1;
    }
    println!("model outputs: {checked} cases passed");
}

/// Documents for the streaming validator: the corpus's texts and extra JSON ones.
fn stream_documents(corpus: &Value) -> Vec<String> {
    let mut docs: Vec<String> = corpus["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].as_str().unwrap().to_owned())
        .collect();
    for extra in [
        r#"{"name": "Ada", "age": 36, "tags": ["a", "b"], "role": "admin"}"#,
        r#"{"name": "Ada", "age": 36, "role": "adm"}"#,
        r#"{"name": "Ada", "age": -1}"#,
        r#"{"name": "Ada", "age": 1.5}"#,
        r#"{"name": "A\u00efda", "age": 2}"#,
        r#"{"name": 5, "age": 2}"#,
        "[1, 2]",
        r#"{"name": "Ada", "age": 3, "tags": ["a", "b", "c", "d"]}"#,
        "```json\n{\"name\": \"Ada\", \"age\": 36}\n```",
        r#"{"age": 3, "name": "x\ty"}"#,
        r#"{"name": "Ada", "age": 36} trailing"#,
    ] {
        docs.push(extra.to_owned());
    }
    docs
}

#[test]
fn streaming_agrees_with_the_full_validator_on_every_prefix() {
    let corpus = data("outputs.json");
    let schema = corpus["schema"].clone();
    let full = validator(&schema);
    let (mut prefixes, mut early) = (0, 0);
    for doc in stream_documents(&corpus) {
        let whole_valid = serde_json::from_str::<Value>(
            doc.trim()
                .trim_matches('`')
                .trim()
                .trim_start_matches("json"),
        )
        .is_ok_and(|v| full.is_valid(&v));
        let mut stream = llm::StreamValidator::new(schema.clone(), full.clone());
        let mut cut_at = None;
        for (i, c) in doc.char_indices() {
            prefixes += 1;
            let mut buf = [0u8; 4];
            if stream.push(c.encode_utf8(&mut buf)).is_some() {
                cut_at = Some(i);
                break;
            }
        }
        let verdict = stream.finish();
        if let Some(i) = cut_at {
            early += 1;
            assert!(
                !whole_valid,
                "{doc:?}: refused at byte {i} but the whole document is valid"
            );
            assert!(!verdict.valid);
        } else {
            assert_eq!(verdict.valid, whole_valid, "{doc:?}: {verdict:?}");
        }
        // Fed in one chunk or in uneven ones, the verdict is the same.
        let mut chunked = llm::StreamValidator::new(schema.clone(), full.clone());
        let chars: Vec<char> = doc.chars().collect();
        for piece in chars.chunks(7) {
            chunked.push(&piece.iter().collect::<String>());
        }
        assert_eq!(chunked.finish().valid, verdict.valid, "{doc:?}");
    }
    println!("streaming: {prefixes} prefixes, {early} documents stopped early");
    assert!(early >= 8, "the early checks fire");
}

#[test]
fn streaming_stops_at_the_first_impossible_character() {
    let schema = json!({"type": "object", "additionalProperties": false, "required": ["role"],
        "properties": {"role": {"enum": ["admin", "user"]}, "n": {"type": "integer", "maximum": 5}}});
    let v = validator(&schema);
    let first_error = |text: &str| {
        let mut s = llm::StreamValidator::new(schema.clone(), v.clone());
        s.push(text).cloned()
    };
    let e = first_error(r#"{"role": "adx"#).expect("no enum value starts with adx");
    assert_eq!((e.offset, e.instance_path.as_str()), (12, "/role"));
    let e = first_error(r#"{"rol": 1}"#).expect("unknown key");
    assert_eq!(e.offset, 5);
    let e = first_error(r#"{"n": ""#).expect("a string where an integer goes");
    assert_eq!((e.offset, e.instance_path.as_str()), (6, "/n"));
    assert!(
        first_error(r#"{"n": 6 "#).is_some(),
        "over the maximum once the number ends"
    );
    assert!(
        first_error(r#"{"n": 5}"#).is_some(),
        "role is missing when the object closes"
    );
    assert!(first_error(r#"{"n": 5, "role": "ad"#).is_none());
    let mut s = llm::StreamValidator::new(schema.clone(), v.clone());
    s.push(r#"{"role": "user""#);
    let verdict = s.finish();
    assert!(verdict.truncated && !verdict.valid);
}

#[test]
fn hostile_schemas_and_outputs_stay_bounded() {
    // Shared definitions nested six deep, ten references each: a million copies if inlined.
    let mut defs = serde_json::Map::new();
    defs.insert(
        "L0".into(),
        json!({"type": "object", "properties": {"a": {"type": "string"}}}),
    );
    for level in 1..=6 {
        let props: serde_json::Map<String, Value> = (0..10)
            .map(|i| {
                (
                    format!("p{i}"),
                    json!({"$ref": format!("#/$defs/L{}", level - 1)}),
                )
            })
            .collect();
        defs.insert(
            format!("L{level}"),
            json!({"type": "object", "properties": props}),
        );
    }
    let laughs =
        json!({"type": "object", "properties": {"root": {"$ref": "#/$defs/L6"}}, "$defs": defs});
    let refused =
        llm::transform(&laughs, profile::find("gemini-schema").unwrap()).expect_err("too large");
    assert!(refused[0].message.contains("too large"), "{refused:?}");
    // The same for OpenAI, where a $ref beside a description is merged with its target.
    let big: serde_json::Map<String, Value> = (0..400)
        .map(|i| (format!("f{i}"), json!({"type": "string"})))
        .collect();
    let props: serde_json::Map<String, Value> = (0..2000)
        .map(|i| {
            (
                format!("p{i}"),
                json!({"$ref": "#/$defs/Big", "description": "d"}),
            )
        })
        .collect();
    let wide = json!({"type": "object", "properties": props,
        "$defs": {"Big": {"type": "object", "properties": big, "required": [], "additionalProperties": false}}});
    assert!(llm::transform(&wide, profile::find("openai").unwrap()).is_err());
    // Brackets that never parse: linear, not quadratic, in the text's length.
    let v = validator(&json!({"type": "object"}));
    let text = format!("{}{}", "{".repeat(200_000), "}".repeat(200_000));
    let r = llm::check_output(&text, &v);
    assert!(!r.valid && r.output.candidates <= 64);
    let many = "[1] ".repeat(100_000);
    assert!(llm::check_output(&many, &v).output.candidates <= 64);
    let fences = "```\n{}\n```\n".repeat(50_000);
    assert!(llm::check_output(&fences, &v).valid);
}
