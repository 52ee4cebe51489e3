//! The legal pages every public portal owes: shipped ones, linked from every page's footer, and
//! an operator's own, replacing them file by file; a broken file stops start-up, named.

use habilis::config::Environment;
use reqwest::StatusCode;

use crate::helpers::{spawn_app, spawn_app_with};

fn folder(name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "habilis-pages-{name}-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

#[tokio::test]
async fn every_page_links_the_legal_pages_and_each_opens_to_anyone() {
    let app = spawn_app().await;
    let visitor = app.browser();
    let home = visitor.get("/").await;
    for (href, label) in [
        ("/accessibilite", "Accessibilité : non conforme"),
        ("/mentions-legales", "Mentions légales"),
        ("/donnees-personnelles", "Données personnelles"),
        ("/aide", "Aide"),
    ] {
        assert!(
            home.body.contains(&format!(
                "<a class=\"fr-footer__bottom-link\" href=\"{href}\">{label}</a>"
            )),
            "footer link {href}"
        );
    }
    for (path, title) in [
        ("/accessibilite", "Déclaration d'accessibilité"),
        ("/mentions-legales", "Mentions légales"),
        ("/donnees-personnelles", "Données personnelles"),
        ("/aide", "Questions fréquentes"),
    ] {
        let page = visitor.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.text().contains(&format!("<h1>{title}</h1>")), "{path}");
    }
    let statement = visitor.get("/accessibilite").await;
    statement.assert_contains("Ce portail est <strong>non conforme</strong> au référentiel général d'amélioration de l'accessibilité (RGAA). Aucun audit de conformité n'a encore été réalisé.");
    statement.assert_contains("Défenseur des droits");
    // The header of the file is read, not shown.
    assert!(!statement.text().contains("conformite ="));
}

#[tokio::test]
async fn an_operator_s_own_pages_replace_the_shipped_ones() {
    let dir = folder(
        "own",
        &[
            (
                "accessibilite.md",
                "+++\nconformite = \"partielle\"\naudit = 2027-03-15\n+++\n# Déclaration d'accessibilité\n\n## Contenus non accessibles\n\nLes graphiques des statistiques.\n",
            ),
            (
                "aide.md",
                "# Aide du ministère\n\nÉcrivez à [l'assistance](mailto:aide@ministere.gouv.fr).\n",
            ),
        ],
    );
    let app = spawn_app_with(
        Environment::Dev,
        &[("HABILIS_LEGAL_DIR", &dir.display().to_string())],
    )
    .await;
    let visitor = app.browser();
    let home = visitor.get("/").await;
    home.assert_contains("Accessibilité : partiellement conforme");
    let statement = visitor.get("/accessibilite").await;
    statement.assert_contains("Ce portail est <strong>partiellement conforme</strong>");
    statement.assert_contains("Audit de conformité réalisé le 15/03/2027.");
    assert!(statement.body.contains("<h2>Contenus non accessibles</h2>"));
    let help = visitor.get("/aide").await;
    help.assert_contains("<h1>Aide du ministère</h1>");
    help.assert_contains("<a href=\"mailto:aide@ministere.gouv.fr\">l'assistance</a>");
    // The others are still the shipped ones.
    visitor
        .get("/mentions-legales")
        .await
        .assert_contains("Hébergement");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_broken_page_stops_start_up_naming_its_file() {
    let dir = folder(
        "broken",
        &[(
            "mentions-legales.md",
            "# Mentions\n\n<iframe src=\"x\"></iframe>\n",
        )],
    );
    let database = dir.join("habilis.db");
    let settings = crate::helpers::settings_with(
        Environment::Dev,
        &database.display().to_string(),
        &[("HABILIS_LEGAL_DIR", &dir.display().to_string())],
    );
    let error = habilis::startup::Application::build(settings)
        .await
        .err()
        .expect("start-up refused")
        .to_string();
    assert!(error.contains("pages légales invalides"), "{error}");
    assert!(
        error.contains("mentions-legales.md : le HTML n'est pas permis"),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
