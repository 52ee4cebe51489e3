//! The state's design system, served by the binary itself, and the neutral theme for
//! operators that are not state bodies.

use habilis::config::Environment;
use reqwest::StatusCode;

use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn the_design_system_comes_with_the_binary() {
    let app = spawn_app().await;
    let visitor = app.browser();
    let home = visitor.get("/").await;
    home.assert_contains(r#"href="/static/dsfr/dsfr.min.css""#);
    for (path, kind) in [
        ("/static/dsfr/dsfr.min.css", "text/css"),
        ("/static/dsfr/dsfr.module.min.js", "text/javascript"),
        ("/static/dsfr/fonts/Marianne-Regular.woff2", "font/woff2"),
        ("/static/dsfr/icons/system/lock-line.svg", "image/svg+xml"),
        ("/static/habilis.css", "text/css"),
        ("/static/dsfr/LICENSE.md", "text/markdown"),
    ] {
        let file = visitor.get(path).await;
        assert_eq!(file.status, StatusCode::OK, "{path}");
        let content_type = file.headers["content-type"].to_str().unwrap();
        assert!(content_type.starts_with(kind), "{path}: {content_type}");
        assert_eq!(file.headers["cache-control"], "public, max-age=86400");
    }
    // The stylesheet's own references resolve (fonts and icons are vendored beside it).
    let css = visitor.get("/static/dsfr/dsfr.min.css").await.body;
    for reference in ["fonts/Marianne-Bold.woff2", "icons/system/close-line.svg"] {
        assert!(css.contains(reference));
        let file = visitor.get(&format!("/static/dsfr/{reference}")).await;
        assert_eq!(file.status, StatusCode::OK, "{reference}");
    }
    // The vendoring script and anything outside static/ are not served.
    for path in [
        "/static/update-dsfr.sh",
        "/static/../Cargo.toml",
        "/static/dsfr/nothing.css",
    ] {
        assert_eq!(
            visitor.get(path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}

#[tokio::test]
async fn the_state_theme_shows_the_marianne_block() {
    let app = spawn_app().await;
    let home = app.browser().get("/").await;
    home.assert_contains(r#"<p class="fr-logo">République<br>française</p>"#);
    home.assert_contains("/static/dsfr/favicon/favicon.svg");
}

#[tokio::test]
async fn the_neutral_theme_has_no_marianne_and_names_the_operator() {
    let app = spawn_app_with(
        Environment::Dev,
        &[
            ("HABILIS_THEME", "neutre"),
            ("HABILIS_OPERATOR_NAME", "Syndicat mixte des données"),
        ],
    )
    .await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    for path in ["/", "/demandes"] {
        let page = marie.get(path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("fr-logo"), "{path}: no Marianne block");
        assert!(!page.body.contains("République"), "{path}");
        assert!(
            !page.body.contains("favicon"),
            "{path}: no Marianne favicon"
        );
        page.assert_contains(r#"class="habilis-neutre""#);
        page.assert_contains("Syndicat mixte des données");
        // The same components.
        page.assert_contains(r#"class="fr-header""#);
        page.assert_contains(r#"class="fr-footer""#);
    }
}

#[tokio::test]
async fn an_unknown_theme_stops_start_up_with_the_key_named() {
    let dir = std::env::temp_dir();
    let vars = [
        ("HABILIS_THEME".to_string(), "violet".to_string()),
        ("HABILIS_ENV".to_string(), "dev".to_string()),
    ]
    .into_iter()
    .collect();
    let error = habilis::config::Settings::from_sources(&dir, &vars)
        .expect_err("an unknown theme is refused")
        .to_string();
    assert!(error.contains("theme"), "{error}");
}
