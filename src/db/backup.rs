//! `habilis backup FILE`: a consistent copy of the database while the portal runs. SQLite:
//! `VACUUM INTO`, an online snapshot readers and writers need not stop for. PostgreSQL:
//! `pg_dump --format=custom`, restored with `pg_restore`.

use std::path::Path;

use anyhow::Context;
use diesel::RunQueryDsl;

use super::{Backend, Db, DbConnection};

/// Writes the copy to `file`, which must not exist yet; returns its size in bytes.
pub fn write(db: &Db, url: &str, file: &Path) -> anyhow::Result<u64> {
    if file.exists() {
        anyhow::bail!(
            "{} existe déjà : choisissez un nouveau fichier, une sauvegarde n'en écrase jamais une autre",
            file.display()
        );
    }
    match db.backend() {
        Backend::Sqlite => {
            let mut conn = db.get()?;
            let DbConnection::Sqlite(c) = &mut *conn else {
                anyhow::bail!("connexion SQLite attendue");
            };
            // The path is bound, not spliced into the statement.
            diesel::sql_query("VACUUM INTO ?")
                .bind::<diesel::sql_types::Text, _>(file.display().to_string())
                .execute(c)
                .with_context(|| format!("sauvegarde SQLite vers {}", file.display()))?;
        }
        Backend::Postgres => {
            // The password goes through the environment, never the command line (which other
            // users of the machine can read).
            let mut url = reqwest::Url::parse(url).context("DATABASE_URL illisible")?;
            let password = url.password().map(percent_decoded);
            let _ = url.set_password(None);
            let mut dump = std::process::Command::new("pg_dump");
            if let Some(password) = password {
                dump.env("PGPASSWORD", password);
            }
            // Row security on: the portal's role may dump (the organisations' wall is open
            // outside the applicant's transactions), where pg_dump's default would refuse.
            let status = dump
                .args(["--format=custom", "--no-owner", "--enable-row-security", "--file"])
                .arg(file)
                .arg(url.as_str())
                .status()
                .context(
                    "pg_dump introuvable : installez le client PostgreSQL (paquet postgresql-client) de la version du serveur ou plus récente",
                )?;
            if !status.success() {
                anyhow::bail!("pg_dump a échoué ({status}) : rien n'a été sauvegardé");
            }
        }
    }
    Ok(std::fs::metadata(file)
        .with_context(|| format!("sauvegarde absente : {}", file.display()))?
        .len())
}

/// A URL's percent-encoded part as written (`p%40ss` → `p@ss`).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_password_is_read_as_written() {
        assert_eq!(super::percent_decoded("p%40ss%2Fw0rd"), "p@ss/w0rd");
        assert_eq!(super::percent_decoded("plain"), "plain");
        assert_eq!(super::percent_decoded("100%"), "100%");
    }
}
