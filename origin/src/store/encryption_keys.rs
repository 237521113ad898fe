//! The DEK registry's rows, for any backend: KEKs and DEKs read by the API and written, each
//! write one conditional statement inside the caller's transaction (so two origins creating
//! the same key do not both win: the second insert changes nothing and the caller answers 409).

use async_trait::async_trait;

use super::adapter::{Arg, Sql, SqlBackend, SqlTransaction};
use super::{DekRecord, DekScope, EncryptionKeyReads, EncryptionKeyWrites, KekRecord, StoreError};

const KEK_COLUMNS: &str =
    "context, name, kms_type, kms_key_id, kms_props, doc, shared, deleted, updated_ms";
const DEK_COLUMNS: &str =
    "context, kek_name, subject, algorithm, version, encrypted_key_material, deleted, updated_ms";

/// `WHERE` of a [`DekScope`]: `$1`..`$5`, an absent part matching any.
const DEK_SCOPE: &str = "WHERE context = $1 AND kek_name = $2 AND ($3 IS NULL OR subject = $3) \
     AND ($4 IS NULL OR algorithm = $4) AND ($5 IS NULL OR version = $5)";

fn scope_args<'a>(s: &DekScope<'a>) -> [Arg<'a>; 5] {
    [
        Arg::Text(s.context),
        Arg::Text(s.kek_name),
        Arg::OptText(s.subject),
        Arg::OptText(s.algorithm),
        Arg::OptInt32(s.version),
    ]
}

async fn kek_row(
    db: &mut impl Sql,
    context: &str,
    name: &str,
) -> Result<Option<KekRecord>, StoreError> {
    let sql = format!("SELECT {KEK_COLUMNS} FROM keks WHERE context = $1 AND name = $2");
    db.fetch_optional(&sql, &[Arg::Text(context), Arg::Text(name)])
        .await
}

async fn dek_rows(db: &mut impl Sql, scope: &DekScope<'_>) -> Result<Vec<DekRecord>, StoreError> {
    let sql =
        format!("SELECT {DEK_COLUMNS} FROM deks {DEK_SCOPE} ORDER BY subject, algorithm, version");
    db.fetch_all(&sql, &scope_args(scope)).await
}

#[async_trait]
impl<B: SqlBackend> EncryptionKeyReads for B {
    async fn keks(&self, context: &str) -> Result<Vec<KekRecord>, StoreError> {
        let sql = format!("SELECT {KEK_COLUMNS} FROM keks WHERE context = $1 ORDER BY name");
        self.reader().fetch_all(&sql, &[Arg::Text(context)]).await
    }

    async fn kek(&self, context: &str, name: &str) -> Result<Option<KekRecord>, StoreError> {
        kek_row(&mut self.reader(), context, name).await
    }

    async fn deks(&self, scope: &DekScope<'_>) -> Result<Vec<DekRecord>, StoreError> {
        dek_rows(&mut self.reader(), scope).await
    }

    async fn deks_of_subject(&self, subject: &str) -> Result<Vec<DekRecord>, StoreError> {
        let sql = format!(
            "SELECT {DEK_COLUMNS} FROM deks WHERE subject = $1 \
             ORDER BY kek_name, algorithm, version"
        );
        self.reader().fetch_all(&sql, &[Arg::Text(subject)]).await
    }

    async fn key_counts(&self) -> Result<(i64, i64), StoreError> {
        let (keks,): (i64,) = self
            .reader()
            .fetch_one("SELECT COUNT(*) FROM keks", &[])
            .await?;
        let (deks,): (i64,) = self
            .reader()
            .fetch_one("SELECT COUNT(*) FROM deks", &[])
            .await?;
        Ok((keks, deks))
    }
}

#[async_trait]
impl<T: SqlTransaction> EncryptionKeyWrites for T {
    async fn kek_in_tx(
        &mut self,
        context: &str,
        name: &str,
    ) -> Result<Option<KekRecord>, StoreError> {
        kek_row(self, context, name).await
    }

    async fn deks_in_tx(&mut self, scope: &DekScope<'_>) -> Result<Vec<DekRecord>, StoreError> {
        dek_rows(self, scope).await
    }

    async fn insert_kek(&mut self, k: &KekRecord) -> Result<bool, StoreError> {
        let sql = format!(
            "INSERT INTO keks ({KEK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (context, name) DO NOTHING"
        );
        let args = [
            Arg::Text(&k.context),
            Arg::Text(&k.name),
            Arg::Text(&k.kms_type),
            Arg::Text(&k.kms_key_id),
            Arg::Text(&k.kms_props),
            Arg::OptText(k.doc.as_deref()),
            Arg::Bool(k.shared),
            Arg::Bool(k.deleted),
            Arg::Int(k.updated_ms),
        ];
        Ok(self.execute(&sql, &args).await? > 0)
    }

    async fn update_kek(&mut self, k: &KekRecord, was_deleted: bool) -> Result<bool, StoreError> {
        let sql = "UPDATE keks SET kms_props = $3, doc = $4, shared = $5, deleted = $6, \
             updated_ms = $7 WHERE context = $1 AND name = $2 AND deleted = $8";
        let args = [
            Arg::Text(&k.context),
            Arg::Text(&k.name),
            Arg::Text(&k.kms_props),
            Arg::OptText(k.doc.as_deref()),
            Arg::Bool(k.shared),
            Arg::Bool(k.deleted),
            Arg::Int(k.updated_ms),
            Arg::Bool(was_deleted),
        ];
        Ok(self.execute(sql, &args).await? > 0)
    }

    async fn remove_kek(&mut self, context: &str, name: &str) -> Result<bool, StoreError> {
        let sql = "DELETE FROM keks WHERE context = $1 AND name = $2 AND deleted = TRUE";
        Ok(self
            .execute(sql, &[Arg::Text(context), Arg::Text(name)])
            .await?
            > 0)
    }

    async fn insert_dek(&mut self, d: &DekRecord) -> Result<bool, StoreError> {
        let sql = format!(
            "INSERT INTO deks ({DEK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (context, kek_name, subject, algorithm, version) DO NOTHING"
        );
        let args = [
            Arg::Text(&d.context),
            Arg::Text(&d.kek_name),
            Arg::Text(&d.subject),
            Arg::Text(&d.algorithm),
            Arg::Int32(d.version),
            Arg::Text(&d.encrypted_key_material),
            Arg::Bool(d.deleted),
            Arg::Int(d.updated_ms),
        ];
        Ok(self.execute(&sql, &args).await? > 0)
    }

    async fn mark_deks(
        &mut self,
        scope: &DekScope<'_>,
        deleted: bool,
        now_ms: i64,
    ) -> Result<u64, StoreError> {
        let sql =
            format!("UPDATE deks SET deleted = $6, updated_ms = $7 {DEK_SCOPE} AND deleted = $8");
        let mut args = scope_args(scope).to_vec();
        args.extend([Arg::Bool(deleted), Arg::Int(now_ms), Arg::Bool(!deleted)]);
        self.execute(&sql, &args).await
    }

    async fn remove_deks(&mut self, scope: &DekScope<'_>) -> Result<u64, StoreError> {
        let sql = format!("DELETE FROM deks {DEK_SCOPE} AND deleted = TRUE");
        self.execute(&sql, &scope_args(scope)).await
    }
}
