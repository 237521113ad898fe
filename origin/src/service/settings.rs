//! Settings: the compatibility level and the mode, global and per subject. A subject without
//! its own setting follows the global one, which follows the server's default.

use std::sync::Arc;

use registry_core::CompatibilityLevel;
use registry_core::api::{ConfigResponse, Mode, ModeBody};
use registry_core::cache_key::CacheKey;
use registry_core::change::Change;
use registry_core::invalidation::EventKind;

use super::register::check_subject;
use super::{CachedBody, Registry, ServiceError, Written};
use crate::store::{Deleted, Setting, Settings};

/// A setting's value as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsView {
    pub setting: Setting,
    pub value: String,
}

impl SettingsView {
    /// The API body: `{"mode": ...}` (or for the level alone, `{"compatibilityLevel": ...}`).
    pub fn body(&self) -> serde_json::Value {
        match self.setting {
            Setting::Compatibility => serde_json::to_value(ConfigResponse {
                compatibility_level: Some(self.value.clone()),
                ..ConfigResponse::default()
            }),
            Setting::Mode => serde_json::to_value(ModeBody {
                mode: self.value.clone(),
            }),
            Setting::Config => serde_json::from_str(&self.value).map_err(serde::ser::Error::custom),
        }
        .expect("API types serialise")
    }
}

/// A level as the API takes it (any case), as stored.
pub fn parse_level(s: &str) -> Result<CompatibilityLevel, ServiceError> {
    s.parse()
        .map_err(|_| ServiceError::InvalidCompatibilityLevel(s.to_owned()))
}

/// A mode as the API takes it (any case), as stored.
/// The mode in force for a subject: its own, else its parent's, except that a parent's
/// READONLY_OVERRIDE overrides its own.
pub fn mode_in_force<'a>(own: Option<&'a str>, parent: Option<&'a str>) -> Option<&'a str> {
    if parent == Some(Mode::ReadonlyOverride.as_str()) {
        return parent;
    }
    own.or(parent)
}

pub fn parse_mode(s: &str) -> Result<Mode, ServiceError> {
    Mode::parse(s).ok_or_else(|| ServiceError::InvalidMode(s.to_owned()))
}

impl Registry {
    /// What a setting is when nothing is configured.
    fn default_of(&self, setting: Setting) -> &'static str {
        match setting {
            Setting::Compatibility => self.options.default_compatibility.as_str(),
            Setting::Mode => Mode::default().as_str(),
            Setting::Config => "{}",
        }
    }

    fn view(&self, setting: Setting, stored: Option<&str>) -> SettingsView {
        SettingsView {
            setting,
            value: stored
                .unwrap_or_else(|| self.default_of(setting))
                .to_owned(),
        }
    }

    /// The global setting in force, from the cache.
    pub async fn global_setting_body(
        &self,
        setting: Setting,
    ) -> Result<Arc<CachedBody>, ServiceError> {
        let key = match setting {
            Setting::Compatibility | Setting::Config => CacheKey::Config(None),
            Setting::Mode => CacheKey::Mode(None),
        };
        self.cache
            .get_or(key, || async {
                let stored = self.db.run(|s| s.settings(None)).await?;
                let view = self.view(setting, setting.of(&stored));
                Ok(CachedBody::of(&view.body(), false, None))
            })
            .await
    }

    /// A subject's own setting; with `default_to_global`, the global one (or the default) when
    /// it has none, else 40408/40409. A global (or context) READONLY_OVERRIDE is every
    /// subject's mode, as in Confluent.
    pub async fn subject_setting(
        &self,
        setting: Setting,
        subject: &str,
        default_to_global: bool,
    ) -> Result<SettingsView, ServiceError> {
        let own = self.db.run(|s| s.settings(Some(subject))).await?;
        if setting == Setting::Mode {
            let parent = self.db.run(|s| s.parent_settings(subject)).await?;
            if parent.mode.as_deref() == Some(Mode::ReadonlyOverride.as_str()) {
                return Ok(self.view(setting, parent.mode.as_deref()));
            }
        }
        if let Some(value) = setting.of(&own) {
            return Ok(self.view(setting, Some(value)));
        }
        if !default_to_global {
            return Err(ServiceError::NotConfigured {
                subject: subject.to_owned(),
                setting,
            });
        }
        let global = self.db.run(|s| s.parent_settings(subject)).await?;
        Ok(self.view(setting, setting.of(&global)))
    }

    /// Sets a setting of `subject` (or the global one) to `value` (already parsed).
    pub async fn set_setting(
        &self,
        setting: Setting,
        subject: Option<&str>,
        value: &str,
        actor: &str,
    ) -> Result<Written<SettingsView>, ServiceError> {
        if let Some(s) = subject {
            check_subject(s)?;
        }
        let stale = self
            .change_settings(&[(setting, Some(value))], subject, actor)
            .await?
            .1;
        Ok(Written {
            value: self.view(setting, Some(value)),
            stale,
        })
    }

    /// IMPORT mode over existing schemas needs `force=true`, as in Confluent: 42205 when the
    /// subject (or, globally, the registry) already has versions and is not in IMPORT already.
    pub async fn check_import_allowed(&self, subject: Option<&str>) -> Result<(), ServiceError> {
        let current = match subject {
            Some(s) => self.db.run(|db| db.settings(Some(s))).await?.mode,
            None => self.db.run(|db| db.settings(None)).await?.mode,
        };
        if current.as_deref() == Some(Mode::Import.as_str()) {
            return Ok(());
        }
        let existing = match subject {
            Some(s) => !self.db.run(|db| db.version_states(s)).await?.is_empty(),
            None => !self.subjects("", Deleted::Include).await?.is_empty(),
        };
        if existing {
            return Err(ServiceError::NotPermitted(
                "Cannot import since found existing subjects".into(),
            ));
        }
        Ok(())
    }

    /// Removes a setting of `subject` (or resets the global one); the value it had.
    pub async fn clear_setting(
        &self,
        setting: Setting,
        subject: Option<&str>,
        actor: &str,
    ) -> Result<Written<SettingsView>, ServiceError> {
        if let Some(s) = subject {
            let own = self.db.run(|db| db.settings(Some(s))).await?;
            if setting.of(&own).is_none() {
                return Err(ServiceError::NotConfigured {
                    subject: s.to_owned(),
                    setting,
                });
            }
        }
        let (previous, stale) = self
            .change_settings(&[(setting, None)], subject, actor)
            .await?;
        Ok(Written {
            value: self.view(setting, setting.of(&previous)),
            stale,
        })
    }

    /// Writes the settings (a value, or `None` to remove it) and one event; the settings they
    /// replaced.
    pub(super) async fn change_settings(
        &self,
        writes: &[(Setting, Option<&str>)],
        subject: Option<&str>,
        actor: &str,
    ) -> Result<(Settings, Vec<CacheKey>), ServiceError> {
        let mut tx = self.db.run(|s| s.begin_write()).await?;
        let previous = match subject {
            Some(s) => tx.lock_subject(s).await?,
            None => tx.settings(None).await?,
        };
        let mut changes = Vec::new();
        for (setting, value) in writes {
            tx.set_setting(*setting, subject, *value).await?;
            changes.push(serde_json::json!({
                "setting": setting.column(),
                "from": setting.of(&previous),
                "to": value,
            }));
        }
        // One setting: `{setting, from, to}`; several: `{"changes": [...]}`.
        let detail = if changes.len() == 1 {
            changes.remove(0)
        } else {
            serde_json::json!({ "changes": changes })
        };
        let kind = writes
            .first()
            .map_or(EventKind::Config, |(setting, _)| setting.event());
        let change = Change::new(kind, subject);
        let stale = self
            .commit_change(tx, &change, actor, Some(detail.to_string()))
            .await?;
        Ok((previous, stale))
    }
}
