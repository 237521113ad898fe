//! The DEK registry over HTTP, on both backends: every route, Confluent's lifecycle (its
//! `RestApiTest.testBasic` as a sequence of calls: create acting as undelete, what blocks a
//! delete, soft then permanent deletes, undeletes), shared KEKs whose DEKs the registry makes
//! and unwraps, secrets kept out of answers, the errors, the roles, and the audit events.

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use common::{Backend, TestServer, assert_error, call};
use serde_json::{Value, json};

const KEKS: &str = "/dek-registry/v1/keks";
/// Wrapped key material as a client sends it (the registry does not unwrap a non-shared KEK's).
const WRAPPED: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn kek(name: &str) -> Value {
    json!({"name": name, "kmsType": "local-kms", "kmsKeyId": "mykey"})
}

async fn no_content(s: &TestServer, method: &str, path: &str) {
    let got = call(s, method, path, None, None).await;
    assert_eq!(got.0, 204, "{method} {path}: {got:?}");
}

/// Confluent's basic lifecycle, call by call.
async fn lifecycle(backend: Backend) {
    let s = TestServer::start(backend).await;
    let created = s.post(KEKS, &kek("kek1")).await;
    assert_eq!(created.0, 200, "{created:?}");
    assert_eq!(created.1["name"], "kek1");
    assert_eq!(created.1["kmsType"], "local-kms");
    assert_eq!(created.1["shared"], false);
    assert_eq!(created.1["deleted"], false);
    assert!(created.1["ts"].as_i64().is_some_and(|t| t > 0));
    // Deleted, then created again: the create undeletes it.
    no_content(&s, "DELETE", "/dek-registry/v1/keks/kek1").await;
    assert_eq!(s.post(KEKS, &kek("kek1")).await.0, 200);
    assert_error(&s.post(KEKS, &kek("kek1")).await, 409, 40971);
    assert_eq!(s.get(KEKS).await, (200, json!(["kek1"])));
    // A permanent delete needs a soft one first.
    assert_error(
        &s.delete("/dek-registry/v1/keks/kek1?permanent=true").await,
        404,
        40471,
    );
    no_content(&s, "DELETE", "/dek-registry/v1/keks/kek1").await;
    assert_error(
        &s.put(
            "/dek-registry/v1/keks/kek1",
            &json!({"doc": "d", "shared": false}),
        )
        .await,
        404,
        40470,
    );
    assert_eq!(s.get(KEKS).await, (200, json!([])));
    assert_eq!(
        s.get("/dek-registry/v1/keks?deleted=true").await,
        (200, json!(["kek1"]))
    );
    assert_error(&s.get("/dek-registry/v1/keks/kek1").await, 404, 40470);
    let deleted = s.get("/dek-registry/v1/keks/kek1?deleted=True").await;
    assert_eq!((deleted.0, &deleted.1["deleted"]), (200, &json!(true)));
    no_content(&s, "DELETE", "/dek-registry/v1/keks/kek1?permanent=true").await;
    assert_error(
        &s.get("/dek-registry/v1/keks/kek1?deleted=true").await,
        404,
        40470,
    );
    assert_eq!(
        s.get("/dek-registry/v1/keks?deleted=true").await,
        (200, json!([]))
    );

    // DEKs, with the client's wrapped key.
    assert_eq!(s.post(KEKS, &kek("kek1")).await.0, 200);
    let dek =
        json!({"subject": "mysubject", "algorithm": "AES256_GCM", "encryptedKeyMaterial": WRAPPED});
    let made = s.post("/dek-registry/v1/keks/kek1/deks", &dek).await;
    assert_eq!(made.0, 200, "{made:?}");
    assert_eq!(made.1["version"], 1);
    assert_eq!(made.1["encryptedKeyMaterial"], WRAPPED);
    assert!(
        made.1.get("keyMaterial").is_none(),
        "never a raw key: {}",
        made.1
    );
    no_content(&s, "DELETE", "/dek-registry/v1/keks/kek1/deks/mysubject").await;
    assert_eq!(
        s.post("/dek-registry/v1/keks/kek1/deks", &dek).await.0,
        200,
        "create undeletes"
    );
    assert_error(
        &s.post("/dek-registry/v1/keks/kek1/deks", &dek).await,
        409,
        40971,
    );
    let got = s
        .get("/dek-registry/v1/keks/kek1/deks/mysubject?algorithm=AES256_GCM")
        .await;
    assert_eq!((got.0, &got.1["subject"]), (200, &json!("mysubject")));
    // Without key material under a KEK that is not shared: 42271.
    assert_error(
        &s.post(
            "/dek-registry/v1/keks/kek1/deks",
            &json!({"subject": "bad"}),
        )
        .await,
        422,
        42271,
    );

    // Versions, in the newer clients' form with the subject in the path.
    for v in [1, 2] {
        let path = "/dek-registry/v1/keks/kek1/deks/mysubject2";
        let body = json!({"version": v, "encryptedKeyMaterial": WRAPPED});
        assert_eq!(s.post(path, &body).await.0, 200);
    }
    let path = "/dek-registry/v1/keks/kek1/deks";
    assert_eq!(s.get(path).await, (200, json!(["mysubject", "mysubject2"])));
    let versions = "/dek-registry/v1/keks/kek1/deks/mysubject2/versions";
    assert_eq!(s.get(versions).await, (200, json!([1, 2])));
    let latest = s.get(&format!("{versions}/latest")).await;
    assert_eq!(latest.1["version"], 2);
    assert_error(&s.get(&format!("{versions}/0")).await, 422, 42202);
    assert_error(&s.get(&format!("{versions}/7")).await, 404, 40470);
    assert_eq!(
        s.get(&format!("{versions}?algorithm=AES128_GCM")).await,
        (200, json!([]))
    );
    assert_eq!(
        s.get("/dek-registry/v1/keks?subjectPrefix=mysubject2")
            .await,
        (200, json!(["kek1"]))
    );
    assert_eq!(
        s.get("/dek-registry/v1/keks?subjectPrefix=other").await,
        (200, json!([]))
    );

    // A KEK with live DEKs cannot be deleted.
    assert_error(&s.delete("/dek-registry/v1/keks/kek1").await, 422, 42272);
    assert_error(
        &s.delete("/dek-registry/v1/keks/kek1/deks/mysubject?permanent=true")
            .await,
        404,
        40471,
    );
    no_content(&s, "DELETE", "/dek-registry/v1/keks/kek1/deks/mysubject").await;
    assert_error(
        &s.get("/dek-registry/v1/keks/kek1/deks/mysubject").await,
        404,
        40470,
    );
    let seen = s
        .get("/dek-registry/v1/keks/kek1/deks/mysubject?deleted=true")
        .await;
    assert_eq!(seen.1["deleted"], true);
    assert_eq!(s.get(path).await, (200, json!(["mysubject2"])));
    assert_eq!(
        s.get(&format!("{path}?deleted=true")).await,
        (200, json!(["mysubject", "mysubject2"]))
    );
    no_content(&s, "DELETE", &format!("{versions}/2")).await;
    assert_eq!(s.get(versions).await, (200, json!([1])));
    no_content(&s, "POST", &format!("{versions}/2/undelete")).await;
    assert_eq!(s.get(versions).await, (200, json!([1, 2])));

    // Everything deleted: the KEK's DEKs are listed only with deleted=true.
    no_content(&s, "DELETE", "/dek-registry/v1/keks/kek1/deks/mysubject2").await;
    no_content(&s, "DELETE", "/dek-registry/v1/keks/kek1").await;
    assert_error(&s.get(path).await, 404, 40470);
    assert_eq!(
        s.get(&format!("{path}?deleted=true")).await.1,
        json!(["mysubject", "mysubject2"])
    );
    // A DEK of a deleted KEK cannot be undeleted; the KEK first.
    assert_error(
        &s.post(
            "/dek-registry/v1/keks/kek1/deks/mysubject2/undelete",
            &json!({}),
        )
        .await,
        404,
        40472,
    );
    no_content(&s, "POST", "/dek-registry/v1/keks/kek1/undelete").await;
    no_content(
        &s,
        "POST",
        "/dek-registry/v1/keks/kek1/deks/mysubject2/undelete",
    )
    .await;
    assert_eq!(s.get(path).await, (200, json!(["mysubject2"])));
    // Deleted again; permanently only once no DEK is left at all.
    no_content(&s, "DELETE", "/dek-registry/v1/keks/kek1/deks/mysubject2").await;
    no_content(&s, "DELETE", "/dek-registry/v1/keks/kek1").await;
    assert_error(
        &s.delete("/dek-registry/v1/keks/kek1?permanent=true").await,
        422,
        42272,
    );
    no_content(
        &s,
        "DELETE",
        "/dek-registry/v1/keks/kek1/deks/mysubject?permanent=true",
    )
    .await;
    assert_error(
        &s.delete("/dek-registry/v1/keks/kek1/deks/mysubject?permanent=true")
            .await,
        404,
        40470,
    );
    no_content(
        &s,
        "DELETE",
        "/dek-registry/v1/keks/kek1/deks/mysubject2?permanent=true",
    )
    .await;
    assert_eq!(
        s.get(&format!("{path}?deleted=true")).await,
        (200, json!([]))
    );
    no_content(&s, "DELETE", "/dek-registry/v1/keks/kek1?permanent=true").await;
    assert_error(
        &s.delete("/dek-registry/v1/keks/kek1?permanent=true").await,
        404,
        40470,
    );

    // Every change is in the audit timeline.
    let (_, events) = s.get("/events?limit=100").await;
    let actions: Vec<&str> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "encryption_key")
        .filter_map(|e| e["detail"]["action"].as_str())
        .collect();
    for action in [
        "create_kek",
        "delete_kek",
        "delete_kek_permanently",
        "undelete_kek",
        "create_dek",
        "delete_dek",
        "undelete_dek",
        "delete_dek_permanently",
    ] {
        assert!(actions.contains(&action), "{action} in {actions:?}");
    }
    s.stop().await;
}
both_backends!(lifecycle);

/// A shared KEK: the registry generates, wraps and unwraps its DEKs with its own local KMS.
async fn shared_keks(backend: Backend) {
    let s = TestServer::start_with(backend, |c| c.dek_local_secret = Some("server".into())).await;
    let secretless =
        json!({"name": "s1", "kmsType": "aws-kms", "kmsKeyId": "arn:k", "shared": true});
    assert_error(&s.post(KEKS, &secretless).await, 422, 42271);
    let with_props = json!({"name": "s1", "kmsType": "local-kms", "kmsKeyId": "k", "shared": true,
                            "kmsProps": {"secret": "kek-secret", "region": "eu"}, "doc": "prompts"});
    let made = s.post(KEKS, &with_props).await;
    assert_eq!(made.0, 200, "{made:?}");
    // The secret is used, never shown.
    assert_eq!(made.1["kmsProps"], json!({"region": "eu"}));
    let dek = s
        .post(
            "/dek-registry/v1/keks/s1/deks/orders-value",
            &json!({"algorithm": "AES128_GCM"}),
        )
        .await;
    assert_eq!(dek.0, 200, "{dek:?}");
    let raw = BASE64
        .decode(dek.1["keyMaterial"].as_str().unwrap())
        .unwrap();
    assert_eq!(&raw[..2], &[0x1a, 16], "a Tink AesGcmKey of 16 bytes");
    let wrapped = BASE64
        .decode(dek.1["encryptedKeyMaterial"].as_str().unwrap())
        .unwrap();
    assert_eq!(wrapped.len(), 12 + raw.len() + 16);
    let again = s
        .get("/dek-registry/v1/keks/s1/deks/orders-value/versions/1?algorithm=AES128_GCM")
        .await;
    assert_eq!(again.1["keyMaterial"], dek.1["keyMaterial"]);
    // An update that leaves the secret out keeps it (a client never saw it).
    let updated = s
        .put(
            "/dek-registry/v1/keks/s1",
            &json!({"kmsProps": {"region": "us"}}),
        )
        .await;
    assert_eq!(updated.1["kmsProps"], json!({"region": "us"}));
    assert_eq!(updated.1["doc"], "prompts");
    let still = s
        .get("/dek-registry/v1/keks/s1/deks/orders-value/versions/latest?algorithm=AES128_GCM")
        .await;
    assert_eq!(still.1["keyMaterial"], dek.1["keyMaterial"]);
    // Material that does not unwrap with the shared KEK is refused.
    let garbage = json!({"version": 2, "algorithm": "AES128_GCM", "encryptedKeyMaterial": WRAPPED});
    assert_error(
        &s.post("/dek-registry/v1/keks/s1/deks/orders-value", &garbage)
            .await,
        422,
        42271,
    );
    // A KEK turned shared uses the server's secret when it has none of its own.
    assert_eq!(s.post(KEKS, &kek("k2")).await.0, 200);
    let shared = s
        .put("/dek-registry/v1/keks/k2", &json!({"shared": true}))
        .await;
    assert_eq!(shared.1["shared"], true);
    let dek = s
        .post("/dek-registry/v1/keks/k2/deks/orders-value", &json!({}))
        .await;
    assert_eq!(dek.1["algorithm"], "AES256_GCM");
    assert_eq!(
        BASE64
            .decode(dek.1["keyMaterial"].as_str().unwrap())
            .unwrap()
            .len(),
        34
    );
    // A KEK whose DEKs do not unwrap with its KMS cannot become shared.
    assert_eq!(s.post(KEKS, &kek("k3")).await.0, 200);
    let foreign = json!({"encryptedKeyMaterial": WRAPPED});
    assert_eq!(
        s.post("/dek-registry/v1/keks/k3/deks/other", &foreign)
            .await
            .0,
        200
    );
    let refused = s
        .put("/dek-registry/v1/keks/k3", &json!({"shared": true}))
        .await;
    assert_error(&refused, 422, 42271);
    assert_eq!(s.get("/dek-registry/v1/keks/k3").await.1["shared"], false);
    // The console's listing: every KEK's DEKs of the subject, no key material.
    let (status, listed) = s.get("/subjects/orders-value/deks").await;
    assert_eq!(status, 200);
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2);
    for d in listed {
        assert!(d.get("keyMaterial").is_none() && d.get("encryptedKeyMaterial").is_none());
        assert_eq!(d["shared"], true);
    }
    s.stop().await;
}
both_backends!(shared_keks);

async fn invalid_requests(backend: Backend) {
    let s = TestServer::start_with(backend, |c| c.dek_max_keys = 2).await;
    for (body, field) in [
        (
            json!({"name": "9lives", "kmsType": "local-kms", "kmsKeyId": "k"}),
            "name",
        ),
        (
            json!({"name": "a b", "kmsType": "local-kms", "kmsKeyId": "k"}),
            "name",
        ),
        (json!({"name": "k", "kmsType": "local-kms"}), "kmsKeyId"),
        (json!({"name": "k", "kmsKeyId": "k"}), "kmsType"),
    ] {
        let got = s.post(KEKS, &body).await;
        assert_error(&got, 422, 42271);
        assert!(
            got.1["message"].as_str().unwrap().contains(field),
            "{got:?}"
        );
    }
    assert_error(&s.post(KEKS, &json!("not an object")).await, 400, 400);
    assert_eq!(s.post(KEKS, &kek("k1")).await.0, 200);
    let dek = |subject: &str, material: &str| json!({"subject": subject, "encryptedKeyMaterial": material});
    let path = "/dek-registry/v1/keks/k1/deks";
    assert_error(&s.post(path, &dek("s", "not base64!")).await, 422, 42271);
    assert_error(&s.post(path, &dek("", WRAPPED)).await, 422, 42271);
    assert_error(
        &s.post(
            path,
            &json!({"subject": "s", "version": 0, "encryptedKeyMaterial": WRAPPED}),
        )
        .await,
        422,
        42271,
    );
    assert_error(
        &s.post(path, &json!({"subject": "s", "algorithm": "AES512"}))
            .await,
        400,
        400,
    );
    assert_error(
        &s.get("/dek-registry/v1/keks/k1/deks/s?algorithm=AES512")
            .await,
        422,
        42271,
    );
    assert_error(
        &s.get("/dek-registry/v1/keks/k1?deleted=maybe").await,
        400,
        400,
    );
    assert_error(&s.get("/dek-registry/v1/keks/nope/deks").await, 404, 40470);
    assert_error(
        &s.post("/dek-registry/v1/keks/nope/deks", &dek("s", WRAPPED))
            .await,
        404,
        40470,
    );
    // KEKs are named per context; a DEK's KEK is in its subject's context.
    let in_ctx = s
        .post("/dek-registry/v1/keks?context=.team", &kek("k1"))
        .await;
    assert_eq!(in_ctx.0, 200, "{in_ctx:?}");
    assert_eq!(
        s.get("/dek-registry/v1/keks?context=.team").await,
        (200, json!(["k1"]))
    );
    assert_eq!(s.get("/dek-registry/v1/keks/k1?context=team").await.0, 200);
    assert_error(
        &s.get("/dek-registry/v1/keks/k2?context=.team").await,
        404,
        40470,
    );
    assert_error(
        &s.get("/dek-registry/v1/keks?context=a:b").await,
        422,
        42271,
    );
    // The limits: at most two KEKs (k1 twice, in two contexts), two DEKs.
    assert_error(&s.post(KEKS, &kek("k2")).await, 409, 40972);
    assert_eq!(s.post(path, &dek("a", WRAPPED)).await.0, 200);
    assert_eq!(s.post(path, &dek("b", WRAPPED)).await.0, 200);
    assert_error(&s.post(path, &dek("c", WRAPPED)).await, 409, 40972);
    s.stop().await;
}
both_backends!(invalid_requests);

/// Reading keys is a consumer's (read), creating DEKs a producer's (write), and managing KEKs
/// or deleting keys an admin's.
async fn roles(backend: Backend) {
    let s = TestServer::start_with(backend, |c| c.auth = true).await;
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_schema-registry"))
        .args(["keys", "create", "--role", "admin", "--name", "a", "--json"])
        .env("DATABASE_URL", &s.database_url)
        .output()
        .expect("runs");
    let admin: Value = serde_json::from_slice(&out.stdout).expect("json");
    let admin = format!("Bearer {}", admin["key"].as_str().unwrap());
    let key_of = |body: &Value| format!("Bearer {}", body["key"].as_str().unwrap());
    let mut keys = Vec::new();
    for role in ["read", "write"] {
        let made = call(
            &s,
            "POST",
            "/admin/keys",
            Some(&admin),
            Some(json!({"role": role, "name": role})),
        )
        .await;
        keys.push(key_of(&made.1));
    }
    let (read, write) = (keys[0].as_str(), keys[1].as_str());
    let dek = json!({"subject": "s", "encryptedKeyMaterial": WRAPPED});
    assert_error(
        &call(&s, "POST", KEKS, Some(write), Some(kek("k"))).await,
        403,
        40301,
    );
    assert_eq!(
        call(&s, "POST", KEKS, Some(&admin), Some(kek("k"))).await.0,
        200
    );
    assert_error(
        &call(
            &s,
            "POST",
            "/dek-registry/v1/keks/k/deks",
            Some(read),
            Some(dek.clone()),
        )
        .await,
        403,
        40301,
    );
    assert_eq!(
        call(
            &s,
            "POST",
            "/dek-registry/v1/keks/k/deks",
            Some(write),
            Some(dek)
        )
        .await
        .0,
        200
    );
    for path in [
        "/dek-registry/v1/keks",
        "/dek-registry/v1/keks/k",
        "/dek-registry/v1/keks/k/deks",
        "/dek-registry/v1/keks/k/deks/s",
        "/dek-registry/v1/keks/k/deks/s/versions",
        "/dek-registry/v1/keks/k/deks/s/versions/latest",
        "/subjects/s/deks",
    ] {
        assert_eq!(
            call(&s, "GET", path, Some(read), None).await.0,
            200,
            "{path}"
        );
        assert_error(&call(&s, "GET", path, None, None).await, 401, 40101);
    }
    for (method, path) in [
        ("PUT", "/dek-registry/v1/keks/k"),
        ("DELETE", "/dek-registry/v1/keks/k"),
        ("POST", "/dek-registry/v1/keks/k/undelete"),
        ("DELETE", "/dek-registry/v1/keks/k/deks/s"),
        ("POST", "/dek-registry/v1/keks/k/deks/s/undelete"),
        ("DELETE", "/dek-registry/v1/keks/k/deks/s/versions/1"),
        ("POST", "/dek-registry/v1/keks/k/deks/s/versions/1/undelete"),
    ] {
        let got = call(&s, method, path, Some(write), Some(json!({}))).await;
        assert_error(&got, 403, 40301);
    }
    let deleted = call(
        &s,
        "DELETE",
        "/dek-registry/v1/keks/k/deks/s",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(deleted.0, 204);
    // The audit names the key that did it.
    let (_, events) = call(&s, "GET", "/events?limit=50", Some(&admin), None).await;
    let last = events["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["detail"]["action"], "delete_dek");
    assert_ne!(last["actor"], "anonymous");
    s.stop().await;
}
both_backends!(roles);
