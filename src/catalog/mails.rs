//! A provider's own wording of its emails: `providers/<slug>/mails/<event>.txt` and `.html`,
//! beside its TOML. Read and compiled at start-up, so a typo stops it with the file named; the
//! body replaces the generic one, inside habilis's layout (header, link, unsubscribe footer).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::CatalogError;

/// The emails a provider may word itself, by event name.
pub const MAIL_EVENTS: [&str; 16] = [
    "submitted",
    "resubmitted",
    "receipt",
    "changes_requested",
    "refused",
    "approved",
    "revoked",
    "decided",
    "contact_approved",
    "contact_revoked",
    "message_to_instructors",
    "message_to_applicant",
    "reminder_draft",
    "reminder_changes",
    "reminder_expiry_60",
    "reminder_expiry_15",
];

/// The two bodies of one email, as written (Jinja syntax, rendered by minijinja).
#[derive(Debug, Clone)]
pub struct MailText {
    pub text: String,
    pub html: String,
    /// Where they come from, for error messages.
    pub text_file: PathBuf,
    pub html_file: PathBuf,
}

/// An environment that renders provider mails: undefined variables are errors (a misspelt
/// `m.intitul` stops start-up), HTML bodies are escaped, `linebreaksbr` as in the built-ins.
pub fn environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_filter("linebreaksbr", |text: String| {
        let escaped = text
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#x27;");
        minijinja::Value::from_safe_string(escaped.replace("\r\n", "\n").replace('\n', "<br/>"))
    });
    env
}

/// Reads `<dir>/<slug>/mails/` (nothing there is fine), checking names and syntax.
pub fn load(dir: &Path, slug: &str) -> Result<BTreeMap<String, MailText>, Vec<CatalogError>> {
    let folder = dir.join(slug).join("mails");
    let mut out = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return Ok(out);
    };
    let error = |file: &Path, key: &str, message: String| CatalogError {
        file: file.to_path_buf(),
        key: key.to_string(),
        message,
    };
    let mut errors = Vec::new();
    let mut files: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    let env = environment();
    // Per event: the text file and the HTML file, each with its source.
    type Source = Option<(PathBuf, String)>;
    let mut found: BTreeMap<String, (Source, Source)> = BTreeMap::new();
    for file in files {
        let (Some(event), Some(ext)) = (
            file.file_stem().and_then(|s| s.to_str()),
            file.extension().and_then(|s| s.to_str()),
        ) else {
            continue;
        };
        if !matches!(ext, "txt" | "html") {
            errors.push(error(
                &file,
                "",
                "extension attendue : .txt ou .html".into(),
            ));
            continue;
        }
        if !MAIL_EVENTS.contains(&event) {
            errors.push(error(
                &file,
                "",
                format!(
                    "courriel inconnu « {event} » (attendus : {})",
                    MAIL_EVENTS.join(", ")
                ),
            ));
            continue;
        }
        let source = match std::fs::read_to_string(&file) {
            Ok(source) => source,
            Err(e) => {
                errors.push(error(&file, "", format!("fichier illisible ({e})")));
                continue;
            }
        };
        if let Err(e) = env.template_from_named_str("mail", &source) {
            let line = e.line().map(|l| format!("ligne {l}")).unwrap_or_default();
            errors.push(error(&file, &line, format!("gabarit invalide : {e}")));
            continue;
        }
        let slot = found.entry(event.to_string()).or_default();
        if ext == "txt" {
            slot.0 = Some((file, source));
        } else {
            slot.1 = Some((file, source));
        }
    }
    for (event, pair) in found {
        match pair {
            (Some((text_file, text)), Some((html_file, html))) => {
                out.insert(
                    event,
                    MailText {
                        text,
                        html,
                        text_file,
                        html_file,
                    },
                );
            }
            (Some((file, _)), None) | (None, Some((file, _))) => errors.push(error(
                &file,
                "",
                format!("{event}.txt et {event}.html vont ensemble : il manque l'autre"),
            )),
            (None, None) => {}
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// A providers folder holding the shipped API Particulier file and these mail files.
    fn folder(mails: &[(&str, &str)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "habilis_mails_{}",
            crate::config::random_key()[..12].to_lowercase()
        ));
        let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("providers");
        std::fs::create_dir_all(dir.join("api-particulier").join("mails")).unwrap();
        std::fs::copy(
            shipped.join("api-particulier.toml"),
            dir.join("api-particulier.toml"),
        )
        .unwrap();
        for (name, text) in mails {
            std::fs::write(dir.join("api-particulier").join("mails").join(name), text).unwrap();
        }
        dir
    }

    fn errors(mails: &[(&str, &str)]) -> String {
        let dir = folder(mails);
        let result = crate::catalog::load_dir(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        match result {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_provider_s_mails_are_read_beside_its_file() {
        let dir = folder(&[
            ("refused.txt", "Refus : {{ m.quote }}"),
            ("refused.html", "<p>Refus : {{ m.quote|linebreaksbr }}</p>"),
        ]);
        let catalog = crate::catalog::load_dir(&dir).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let mails = &catalog.get("api-particulier").unwrap().mails;
        assert_eq!(mails.keys().collect::<Vec<_>>(), ["refused"]);
    }

    #[test]
    fn mistakes_in_a_provider_s_mails_name_their_file() {
        let unknown = errors(&[("aprouved.txt", "x"), ("aprouved.html", "x")]);
        assert!(
            unknown.contains("mails/aprouved.txt")
                && unknown.contains("courriel inconnu « aprouved »"),
            "{unknown}"
        );
        let alone = errors(&[("approved.txt", "Validée")]);
        assert!(
            alone.contains("mails/approved.txt") && alone.contains("il manque l'autre"),
            "{alone}"
        );
        let syntax = errors(&[("approved.txt", "{% if m.until %}"), ("approved.html", "x")]);
        assert!(
            syntax.contains("mails/approved.txt") && syntax.contains("gabarit invalide"),
            "{syntax}"
        );
    }
}
