//! The pages every public portal owes its users: the accessibility statement, the legal notice,
//! personal data, and a FAQ. Each is a Markdown file operators may replace (`legal_dir`); the
//! ones shipped are compiled in. Read once at start-up: a file that cannot be read, has no
//! title, breaks the Markdown rules or whose header is wrong stops start-up with its name and
//! key.

use std::path::Path;

use chrono::NaiveDate;

/// One page: its address, its title (the file's `# ` line) and its HTML.
#[derive(Debug, Clone)]
pub struct Page {
    pub slug: &'static str,
    pub title: String,
    pub html: String,
}

/// The state of conformity the accessibility statement declares (RGAA).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conformity {
    Totale,
    Partielle,
    Non,
}

impl Conformity {
    /// As the footer must say it.
    pub fn label(self) -> &'static str {
        match self {
            Conformity::Totale => "totalement conforme",
            Conformity::Partielle => "partiellement conforme",
            Conformity::Non => "non conforme",
        }
    }
}

/// Every legal page, and what the accessibility statement declares.
#[derive(Debug, Clone)]
pub struct Legal {
    pub pages: Vec<Page>,
    pub conformity: Conformity,
    /// The day of the RGAA audit, if there was one.
    pub audit: Option<NaiveDate>,
}

/// (address, file, shipped text).
const FILES: [(&str, &str, &str); 4] = [
    (
        "accessibilite",
        "accessibilite.md",
        include_str!("../templates/legal/accessibilite.md"),
    ),
    (
        "mentions-legales",
        "mentions-legales.md",
        include_str!("../templates/legal/mentions-legales.md"),
    ),
    (
        "donnees-personnelles",
        "donnees-personnelles.md",
        include_str!("../templates/legal/donnees-personnelles.md"),
    ),
    (
        "aide",
        "aide.md",
        include_str!("../templates/legal/aide.md"),
    ),
];

/// The accessibility statement's header, between `+++` lines: `conformite` and `audit`.
fn read_header(header: &str) -> Result<(Conformity, Option<NaiveDate>), String> {
    let table: toml::Table = toml::from_str(header)
        .map_err(|e| format!("en-tête : TOML invalide ({})", e.message().trim()))?;
    if let Some(key) = table
        .keys()
        .find(|k| !["conformite", "audit"].contains(&k.as_str()))
    {
        return Err(format!(
            "en-tête : clé inconnue « {key} » (attendu : conformite, audit)"
        ));
    }
    let conformity = match table.get("conformite").and_then(|v| v.as_str()) {
        Some("totale") => Conformity::Totale,
        Some("partielle") => Conformity::Partielle,
        Some("non") => Conformity::Non,
        _ => {
            return Err(format!(
                "en-tête : « conformite » vaut « {} » : attendu « totale », « partielle » ou « non »",
                table
                    .get("conformite")
                    .map_or("(absent)".to_string(), |v| v.to_string())
            ));
        }
    };
    let audit = match table.get("audit") {
        None => None,
        Some(toml::Value::Datetime(d)) => Some(audit_day(d)?),
        Some(other) => {
            return Err(format!(
                "en-tête : « audit » vaut {other} : attendu une date AAAA-MM-JJ, sans guillemets"
            ));
        }
    };
    Ok((conformity, audit))
}

impl Legal {
    /// The pages of `dir` where it has them, the shipped ones elsewhere.
    pub fn load(dir: Option<&Path>) -> Result<Legal, String> {
        let mut pages = Vec::new();
        let mut problems = Vec::new();
        let mut declared = (Conformity::Non, None);
        for (slug, file, shipped) in FILES {
            let (name, text) = match dir.map(|d| d.join(file)).filter(|p| p.exists()) {
                Some(path) => match std::fs::read_to_string(&path) {
                    Ok(text) => (path.display().to_string(), text),
                    Err(e) => {
                        problems.push(format!("{} : lecture impossible ({e})", path.display()));
                        continue;
                    }
                },
                None => (format!("templates/legal/{file}"), shipped.to_string()),
            };
            let body = match split_header(&text) {
                Ok((Some(header), body)) if slug == "accessibilite" => match read_header(header) {
                    Ok(read) => {
                        declared = read;
                        body
                    }
                    Err(e) => {
                        problems.push(format!("{name} : {e}"));
                        continue;
                    }
                },
                Ok((Some(_), _)) => {
                    problems.push(format!(
                        "{name} : seul accessibilite.md a un en-tête entre « +++ »"
                    ));
                    continue;
                }
                Ok((None, body)) => body,
                Err(e) => {
                    problems.push(format!("{name} : {e}"));
                    continue;
                }
            };
            let Some((title, rest)) = body
                .trim_start()
                .strip_prefix("# ")
                .and_then(|t| t.split_once('\n'))
                .or_else(|| body.trim_start().strip_prefix("# ").map(|t| (t, "")))
            else {
                problems.push(format!(
                    "{name} : la première ligne doit être le titre de la page (« # Titre »)"
                ));
                continue;
            };
            match crate::catalog::render_page(rest) {
                Ok(html) => pages.push(Page {
                    slug,
                    title: title.trim().to_string(),
                    html,
                }),
                Err(found) => problems.extend(found.into_iter().map(|p| format!("{name} : {p}"))),
            }
        }
        if !problems.is_empty() {
            return Err(problems.join("\n"));
        }
        Ok(Legal {
            pages,
            conformity: declared.0,
            audit: declared.1,
        })
    }

    /// The page at this address.
    pub fn page(&self, slug: &str) -> Option<&Page> {
        self.pages.iter().find(|p| p.slug == slug)
    }
}

/// The header between a first line `+++` and the next, and the rest.
fn split_header(text: &str) -> Result<(Option<&str>, &str), String> {
    let Some(after) = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
    else {
        return Ok((None, text));
    };
    let end = after
        .find("\n+++")
        .ok_or("l'en-tête ouvert par « +++ » n'est pas fermé par une ligne « +++ »")?;
    let rest = after[end + 4..].trim_start_matches(['\r', '\n']);
    Ok((Some(&after[..end + 1]), rest))
}

fn audit_day(d: &toml::value::Datetime) -> Result<NaiveDate, String> {
    let wrong = || format!("en-tête : « audit » : attendu une date AAAA-MM-JJ, pas « {d} »");
    match d.date {
        Some(date) if d.time.is_none() => NaiveDate::from_ymd_opt(
            i32::from(date.year),
            u32::from(date.month),
            u32::from(date.day),
        )
        .ok_or_else(wrong),
        _ => Err(wrong()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("habilis-legal-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (file, text) in files {
            std::fs::write(dir.join(file), text).unwrap();
        }
        dir
    }

    #[test]
    fn the_shipped_pages_load_and_declare_no_audit() {
        let legal = Legal::load(None).unwrap();
        assert_eq!(legal.pages.len(), 4);
        assert_eq!(legal.conformity, Conformity::Non);
        assert_eq!(legal.audit, None);
        let statement = legal.page("accessibilite").unwrap();
        assert_eq!(statement.title, "Déclaration d'accessibilité");
        assert!(statement.html.contains("<h2>État de conformité</h2>"));
        assert!(!statement.html.contains("conformite ="));
    }

    #[test]
    fn an_operator_s_file_replaces_the_shipped_one() {
        let d = dir(
            "own",
            &[(
                "accessibilite.md",
                "+++\nconformite = \"partielle\"\naudit = 2027-03-15\n+++\n# Accessibilité\n\nAudit par un prestataire.\n",
            )],
        );
        let legal = Legal::load(Some(&d)).unwrap();
        assert_eq!(legal.conformity, Conformity::Partielle);
        assert_eq!(legal.audit, NaiveDate::from_ymd_opt(2027, 3, 15));
        assert_eq!(legal.page("accessibilite").unwrap().title, "Accessibilité");
        // The others stay the shipped ones.
        assert_eq!(legal.page("aide").unwrap().title, "Questions fréquentes");
    }

    #[test]
    fn a_wrong_file_is_named_with_its_problem() {
        let d = dir(
            "wrong",
            &[
                (
                    "accessibilite.md",
                    "+++\nconformite = \"presque\"\n+++\n# A\n",
                ),
                ("aide.md", "Pas de titre\n"),
                ("mentions-legales.md", "# Mentions\n\n<script>x</script>\n"),
                ("donnees-personnelles.md", "+++\na = 1\n+++\n# D\n"),
            ],
        );
        let error = Legal::load(Some(&d)).unwrap_err();
        assert!(
            error.contains("accessibilite.md : en-tête : « conformite »"),
            "{error}"
        );
        assert!(error.contains("presque"), "{error}");
        assert!(
            error.contains("aide.md : la première ligne doit être le titre"),
            "{error}"
        );
        assert!(
            error.contains("mentions-legales.md : le HTML n'est pas permis"),
            "{error}"
        );
        assert!(
            error.contains("donnees-personnelles.md : seul accessibilite.md"),
            "{error}"
        );
    }
}
