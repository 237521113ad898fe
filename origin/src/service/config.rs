//! `/config`: the compatibility level with the other configuration fields, global and per
//! subject, as Confluent keeps them (an update changes only the fields it sends; a subject's
//! fields fall back to the global ones), and what they do to registrations and reads.

use std::sync::Arc;

use registry_core::api::{ConfigResponse, ConfigUpdate};
use registry_core::cache_key::CacheKey;
use registry_core::config::ConfigFields;

use super::register::check_subject;
use super::settings::parse_level;
use super::{CachedBody, Registry, ServiceError, Written};
use crate::store::{Setting, Settings};

impl Registry {
    /// The fields stored in `settings`.
    fn fields_of(settings: &Settings) -> ConfigFields {
        ConfigFields::from_stored(settings.config.as_deref())
    }

    /// `GET /config`: the global level in force and the global fields, from the cache.
    pub async fn global_config_body(&self) -> Result<Arc<CachedBody>, ServiceError> {
        self.cache
            .get_or(CacheKey::Config(None), || async {
                let global = self.db.run(|s| s.settings(None)).await?;
                let body = ConfigResponse {
                    compatibility_level: Some(
                        self.level_in_force(global.compatibility.as_deref())
                            .as_str()
                            .to_owned(),
                    ),
                    fields: Self::fields_of(&global),
                };
                Ok(CachedBody::of(&body, false, None))
            })
            .await
    }

    /// `GET /config/{s}`: what the subject has configured; with `default_to_global`, the global
    /// configuration where it has none, else 40408 when it has nothing.
    pub async fn subject_config(
        &self,
        subject: &str,
        default_to_global: bool,
    ) -> Result<ConfigResponse, ServiceError> {
        let own = self.db.run(|s| s.settings(Some(subject))).await?;
        let fields = Self::fields_of(&own);
        if !default_to_global {
            if own.compatibility.is_none() && fields.is_empty() {
                return Err(ServiceError::NotConfigured {
                    subject: subject.to_owned(),
                    setting: Setting::Compatibility,
                });
            }
            return Ok(ConfigResponse {
                compatibility_level: own.compatibility,
                fields,
            });
        }
        let global = self.db.run(|s| s.parent_settings(subject)).await?;
        let level = own
            .compatibility
            .as_deref()
            .or(global.compatibility.as_deref());
        Ok(ConfigResponse {
            compatibility_level: Some(self.level_in_force(level).as_str().to_owned()),
            fields: fields.over(&Self::fields_of(&global)),
        })
    }

    /// The subject an alias subject reads from: its own `alias` (a global one names nothing),
    /// in the alias subject's context unless the alias names one.
    pub async fn alias_target(&self, subject: &str) -> Result<Option<String>, ServiceError> {
        let own = self.db.run(|s| s.settings(Some(subject))).await?;
        Ok(Self::fields_of(&own)
            .alias
            .map(|a| registry_core::qualified::qualify_with_parent(subject, &a))
            .filter(|a| a != subject))
    }

    /// The fields in force for registrations and reads of `subject`.
    pub async fn config_in_force(&self, subject: &str) -> Result<ConfigFields, ServiceError> {
        let own = self.db.run(|s| s.settings(Some(subject))).await?;
        let global = self.db.run(|s| s.parent_settings(subject)).await?;
        Ok(Self::fields_of(&own).over(&Self::fields_of(&global)))
    }

    /// `PUT /config[/{s}]`: the level and the fields sent, in one write; the request echoed
    /// (with the level as stored), as Confluent answers.
    pub async fn update_config(
        &self,
        subject: Option<&str>,
        update: &ConfigUpdate,
        actor: &str,
    ) -> Result<Written<ConfigUpdate>, ServiceError> {
        if let Some(s) = subject {
            check_subject(s)?;
        }
        let level = update.level().map(parse_level).transpose()?;
        // Sent under both names, both must be levels (the answer echoes both).
        if let Some(other) = update.compatibility_level.as_deref() {
            parse_level(other)?;
        }
        check_fields(&update.fields)?;
        let current = self.db.run(|s| s.settings(subject)).await?;
        let fields = Self::fields_of(&current).updated_with(&update.fields);
        let stored = fields.to_stored();
        let level_text = level.map(|l| l.as_str().to_owned());
        let mut writes = Vec::new();
        if let Some(l) = &level_text {
            writes.push((Setting::Compatibility, Some(l.as_str())));
        }
        if !update.fields.is_empty() {
            writes.push((Setting::Config, stored.as_deref()));
        }
        if writes.is_empty() {
            return Err(ServiceError::Invalid(
                "A config update must set the compatibility level or another field".into(),
            ));
        }
        let (_, stale) = self.change_settings(&writes, subject, actor).await?;
        let mut echo = update.clone();
        if update.compatibility.is_some() {
            echo.compatibility.clone_from(&level_text);
        } else if update.compatibility_level.is_some() {
            echo.compatibility_level.clone_from(&level_text);
        }
        Ok(Written { value: echo, stale })
    }

    /// `DELETE /config[/{s}]`: the level and the fields removed (globally: reset); what they
    /// were.
    pub async fn clear_config(
        &self,
        subject: Option<&str>,
        actor: &str,
    ) -> Result<Written<ConfigResponse>, ServiceError> {
        let current = self.db.run(|s| s.settings(subject)).await?;
        if let Some(s) = subject
            && current.compatibility.is_none()
            && current.config.is_none()
        {
            return Err(ServiceError::NotConfigured {
                subject: s.to_owned(),
                setting: Setting::Compatibility,
            });
        }
        let writes = [(Setting::Compatibility, None), (Setting::Config, None)];
        let (previous, stale) = self.change_settings(&writes, subject, actor).await?;
        let level = match subject {
            Some(_) => previous.compatibility.clone(),
            None => Some(
                self.level_in_force(previous.compatibility.as_deref())
                    .as_str()
                    .to_owned(),
            ),
        };
        Ok(Written {
            value: ConfigResponse {
                compatibility_level: level,
                fields: Self::fields_of(&previous),
            },
            stale,
        })
    }
}

/// The fields' own rules: an alias names a subject; metadata and rule sets are objects.
fn check_fields(fields: &ConfigFields) -> Result<(), ServiceError> {
    if let Some(alias) = &fields.alias {
        check_subject(alias)?;
    }
    for name in fields.llm_profiles.iter().flatten() {
        if registry_core::llm::profile::find(name).is_none() {
            return Err(ServiceError::Invalid(format!(
                "llmProfiles: unknown profile '{name}'; known: {}",
                registry_core::llm::profile::names()
            )));
        }
    }
    let objects = [
        ("defaultMetadata", &fields.default_metadata),
        ("overrideMetadata", &fields.override_metadata),
        ("defaultRuleSet", &fields.default_rule_set),
        ("overrideRuleSet", &fields.override_rule_set),
    ];
    for (name, value) in objects {
        if value.as_ref().is_some_and(|v| !v.is_object()) {
            return Err(ServiceError::Invalid(format!("{name} must be an object")));
        }
    }
    Ok(())
}
