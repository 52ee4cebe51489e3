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
            let status = std::process::Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(file)
                .arg(url)
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
