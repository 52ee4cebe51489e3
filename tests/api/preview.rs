//! `habilis providers preview`: every form of a folder, read-only with made-up answers,
//! reloaded on each save; a broken file shows its errors in the page instead of stopping.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::helpers::providers_dir;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn scratch() -> PathBuf {
    std::env::temp_dir().join(format!(
        "habilis-preview-{}",
        habilis::config::random_key()[..12].to_lowercase()
    ))
}

async fn get(base: &str, path: &str) -> (u16, String) {
    let response = reqwest::get(format!("{base}{path}")).await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The page once it says `text`: the watcher reloads the folder when a file is saved (a
/// filesystem event, awaited up to 20 s, not a delay assumed).
async fn until_it_says(base: &str, path: &str, text: &str) -> String {
    let started = Instant::now();
    loop {
        let (_, body) = get(base, path).await;
        if body.contains(text) {
            return body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "« {text} » never appeared on {path}:\n{body}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_preview_serves_every_form_filled_and_shows_a_broken_file_s_errors_until_fixed() {
    let dir = scratch();
    copy_dir(&providers_dir(), &dir);
    let running = habilis::preview::start(&dir, "127.0.0.1:0").unwrap();
    let base = format!("http://127.0.0.1:{}", running.port);
    let handle = running.server.handle();
    tokio::spawn(running.server);

    let (status, index) = get(&base, "/").await;
    assert_eq!(status, 200);
    assert!(
        index.contains(r#"<a href="/fournisseurs/api-r2p">API R2P</a>"#),
        "{index}"
    );
    assert!(index.contains("2 étapes de procédure"), "{index}");

    // The sandbox's form, filled with made-up answers, read-only.
    let (status, r2p) = get(&base, "/fournisseurs/api-r2p").await;
    assert_eq!(status, 200);
    for text in [
        "Étape 1 : Mon projet",
        "Étape 5 : Les personnes impliquées",
        "<strong aria-current=\"page\">Bac à sable</strong> (affichée, validité 6 mois)",
        "Tarification sociale de la cantine – Lyon",
        "<fieldset disabled",
        "Questions d'éligibilité",
        "Demande Ordonnateur",
    ] {
        assert!(r2p.contains(text), "« {text} » missing:\n{r2p}");
    }
    assert!(!r2p.contains("Étape 6 :"), "the sandbox has five steps");
    let (_, production) = get(&base, "/fournisseurs/api-r2p?etape=production").await;
    assert!(
        production.contains("Étape 8 : La volumétrie"),
        "{production}"
    );
    assert!(
        production.contains("La décision d&#39;homologation, en PDF"),
        "{production}"
    );
    assert_eq!(get(&base, "/fournisseurs/inconnu").await.0, 404);

    // A mistake saved: the page names file and key instead of stopping.
    let file = dir.join("api-particulier.toml");
    let good = std::fs::read_to_string(&file).unwrap();
    let broken = good.replacen("type = \"checkboxes\"", "type = \"txt\"", 1);
    assert_ne!(good, broken);
    std::fs::write(&file, &broken).unwrap();
    let page = until_it_says(&base, "/", "empêche").await;
    assert!(page.contains("api-particulier.toml: steps["), "{page}");
    assert!(page.contains("type inconnu « txt »"), "{page}");
    // Fixed: the forms come back.
    std::fs::write(&file, &good).unwrap();
    until_it_says(&base, "/", r#"<a href="/fournisseurs/api-particulier">"#).await;

    handle.stop(true).await;
    std::fs::remove_dir_all(&dir).unwrap();
}
