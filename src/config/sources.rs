//! Where settings come from, layered by figment: `config/base.toml` < `config/$HABILIS_ENV.toml`
//! < environment variables; and figment's errors told in French, naming the key.
//!
//! The variables' names derive from [`Raw`]'s keys (`smtp.host` ↔ `HABILIS_SMTP_HOST`,
//! `database_url` ↔ `DATABASE_URL`), so a new key needs no list kept in step.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};

use super::raw::Raw;

/// Where the environment's values are said to come from, in figment's metadata.
const ENV_SOURCE: &str = "variables d'environnement";

/// Every key of [`Raw`], dotted (`smtp.host`), read off its serialised default.
pub fn key_paths() -> Vec<String> {
    fn walk(prefix: &str, dict: &Dict, into: &mut Vec<String>) {
        for (key, value) in dict {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                Value::Dict(_, inner) => walk(&path, inner, into),
                _ => into.push(path),
            }
        }
    }
    let mut paths = Vec::new();
    // Serialising a struct of options and empty sections cannot fail; an empty list would
    // only mean no variable is read, which the tests would see.
    if let Ok(Value::Dict(_, dict)) = Value::serialize(Raw::default()) {
        walk("", &dict, &mut paths);
    }
    paths
}

/// The environment variable that sets a key: `smtp.host` → `HABILIS_SMTP_HOST`.
pub fn env_name(path: &str) -> String {
    if path == "database_url" {
        // The name every database tool already reads.
        return "DATABASE_URL".to_string();
    }
    format!("HABILIS_{}", path.replace('.', "_").to_uppercase())
}

/// The layers, weakest first, read into the one typed struct.
pub fn layered(
    config_dir: &Path,
    env: &str,
    vars: &HashMap<String, String>,
) -> anyhow::Result<Raw> {
    Figment::new()
        .merge(TomlFile(config_dir.join("base.toml")))
        .merge(TomlFile(config_dir.join(format!("{env}.toml"))))
        .merge(EnvVars(vars))
        // Lossy: a variable is text, `"4"` reads as the number a key wants; text keys
        // (passwords, URLs) stay text whatever they look like.
        .extract_lossy::<Raw>()
        .map_err(in_french)
}

/// A TOML file, absent or not: an absent one adds nothing.
struct TomlFile(PathBuf);

impl Provider for TomlFile {
    fn metadata(&self) -> Metadata {
        Metadata::from(self.0.display().to_string(), self.0.as_path())
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        if !self.0.exists() {
            return Ok(Map::new());
        }
        let name = self.0.display();
        let text = std::fs::read_to_string(&self.0)
            .map_err(|e| figment::Error::from(format!("lecture de {name} : {e}")))?;
        let table: toml::Table = toml::from_str(&text)
            .map_err(|e| figment::Error::from(format!("{name} invalide : {}", e.message())))?;
        match Value::serialize(table)? {
            Value::Dict(_, dict) => Ok(Profile::Default.collect(dict)),
            _ => Err(figment::Error::from(format!("{name} invalide"))),
        }
    }
}

/// The process's variables (or a test's), for the keys [`Raw`] knows; empty ones are unset.
struct EnvVars<'a>(&'a HashMap<String, String>);

impl Provider for EnvVars<'_> {
    fn metadata(&self) -> Metadata {
        Metadata::named(ENV_SOURCE)
            .interpolater(|_: &Profile, keys: &[&str]| env_name(&keys.join(".")))
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let mut dict = Dict::new();
        for path in key_paths() {
            if let Some(value) = self.0.get(&env_name(&path)).filter(|v| !v.is_empty()) {
                insert(&mut dict, &path, Value::from(value.clone()));
            }
        }
        Ok(Profile::Default.collect(dict))
    }
}

fn insert(dict: &mut Dict, path: &str, value: Value) {
    match path.split_once('.') {
        Some((section, rest)) => {
            let entry = dict
                .entry(section.to_string())
                .or_insert_with(|| Value::from(Dict::new()));
            if let Value::Dict(_, inner) = entry {
                insert(inner, rest, value);
            }
        }
        None => {
            dict.insert(path.to_string(), value);
        }
    }
}

/// One readable line per mistake, each naming the key and where it was set.
fn in_french(error: figment::Error) -> anyhow::Error {
    use figment::error::Kind;
    let lines: Vec<String> = error
        .into_iter()
        .map(|e| {
            let mut path = e.path.clone();
            if let Kind::UnknownField(field, _) = &e.kind
                && path.last() != Some(field)
            {
                path.push(field.clone());
            }
            let key = path.join(".");
            let place = match &e.metadata {
                Some(m) if m.name == ENV_SOURCE => format!(" (variable {})", env_name(&key)),
                Some(m) => format!(" ({})", m.name),
                None => String::new(),
            };
            let what = match &e.kind {
                Kind::Message(message) => return message.clone(),
                Kind::InvalidType(found, expected) | Kind::InvalidValue(found, expected) => {
                    format!(
                        "valeur {} invalide, attendu : {}",
                        shown(found),
                        wanted(expected)
                    )
                }
                Kind::UnknownVariant(found, expected) => {
                    format!("« {found} » inconnu, attendu : {}", expected.join(", "))
                }
                Kind::UnknownField(..) => "clé inconnue".to_string(),
                other => other.to_string(),
            };
            format!("« {key} »{place} : {what}")
        })
        .collect();
    anyhow::anyhow!("configuration invalide : {}", lines.join(" ; "))
}

/// The value as written, quoted the French way.
fn shown(found: &figment::error::Actual) -> String {
    use figment::error::Actual;
    match found {
        Actual::Str(s) => format!("« {s} »"),
        Actual::Bool(b) => b.to_string(),
        Actual::Unsigned(n) => n.to_string(),
        Actual::Signed(n) => n.to_string(),
        Actual::Float(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// What serde expected, in words an operator reads.
fn wanted(expected: &str) -> &str {
    match expected {
        "u16" | "u32" | "u64" => "un nombre entier positif",
        "i32" | "i64" => "un nombre entier",
        "a string" | "a path string" => "du texte",
        "a boolean" => "true ou false",
        other => other,
    }
}
