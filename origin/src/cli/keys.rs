//! `schema-registry keys`: API keys managed straight in the database, so the first admin key
//! can be made before any key exists.

use std::time::Duration;

use super::KeysArgs;
use super::KeysCommand;
use crate::server::open_database;
use crate::service::{Registry, RegistryOptions};

/// Who the audit timeline names for keys managed from the command line.
const CLI_ACTOR: &str = "cli";

pub fn run(args: &KeysArgs) -> u8 {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return 2;
        }
    };
    match runtime.block_on(run_async(args)) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            2
        }
    }
}

async fn run_async(args: &KeysArgs) -> Result<u8, String> {
    let db = open_database(&args.database_url, 1, Duration::from_secs(10))
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let registry = Registry::new(db, RegistryOptions::default());
    match &args.command {
        KeysCommand::Create { role, name, json } => {
            let key = registry
                .create_key(*role, name, CLI_ACTOR)
                .await
                .map_err(|e| format!("cannot create the key: {e}"))?
                .value;
            if *json {
                println!(
                    "{}",
                    serde_json::json!({"id": key.record.id, "key": key.key, "role": key.record.role, "name": key.record.name})
                );
            } else {
                println!("{}", key.key);
                eprintln!(
                    "created {} key {} (shown only now; send it as `Authorization: Bearer <key>`, or as basic auth user {} with the part after it as password)",
                    key.record.role, key.record.id, key.record.id
                );
            }
            Ok(0)
        }
        KeysCommand::List => {
            let keys = registry.keys().await.map_err(|e| e.to_string())?;
            for k in keys {
                let state = if k.revoked_ms.is_some() {
                    "revoked"
                } else {
                    "active"
                };
                println!("{}\t{}\t{}\t{}", k.id, k.role, state, k.name);
            }
            Ok(0)
        }
        KeysCommand::Revoke { id } => match registry.revoke_key(id, CLI_ACTOR).await {
            Ok(_) => {
                println!("revoked {id}");
                Ok(0)
            }
            Err(crate::service::ServiceError::NotFound(_)) => {
                eprintln!("no live key {id}");
                Ok(1)
            }
            Err(e) => Err(e.to_string()),
        },
    }
}
