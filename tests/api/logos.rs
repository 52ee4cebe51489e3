//! A provider's logo, a file beside its TOML: shown on the home page and on its new-demande
//! page, served with the type read from its bytes; a file that is not an image stops start-up
//! with its name.

use std::path::{Path, PathBuf};

use habilis::config::Environment;
use reqwest::StatusCode;

use crate::helpers::{providers_dir, spawn_app_with};

/// A 1x1 PNG image.
const PNG: [u8; 70] = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x60, 0x98, 0xf8,
    0x1f, 0x00, 0x02, 0x26, 0x01, 0x91, 0xde, 0xc9, 0x50, 0x9d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// The shipped providers copied into a folder of the test's own, with `logo` as
/// `api-particulier/<name>`.
fn providers_with(name: &str, logo: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "habilis-logos-{}",
        habilis::config::random_key()[..12].to_lowercase()
    ));
    copy(&providers_dir(), &dir);
    let folder = dir.join("api-particulier");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join(name), logo).unwrap();
    dir
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[tokio::test]
async fn a_logo_beside_the_file_is_shown_and_served_as_what_it_is() {
    let dir = providers_with("logo.png", &PNG);
    let app = spawn_app_with(
        Environment::Dev,
        &[("HABILIS_PROVIDERS_DIR", &dir.display().to_string())],
    )
    .await;
    let visitor = app.browser();
    let home = visitor.get("/").await;
    home.assert_contains(
        r#"<img class="habilis-logo" src="/fournisseurs/api-particulier/logo" alt="""#,
    );
    // Only the provider that has one.
    assert!(!home.body.contains("/fournisseurs/api-entreprise/logo"));

    let logo = app
        .browser()
        .client
        .get(format!("{}/fournisseurs/api-particulier/logo", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(logo.status(), StatusCode::OK);
    assert_eq!(logo.headers()["content-type"], "image/png");
    assert_eq!(logo.headers()["x-content-type-options"], "nosniff");
    assert_eq!(logo.bytes().await.unwrap().as_ref(), PNG);
    let none = visitor.get("/fournisseurs/api-entreprise/logo").await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);

    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let new = marie.get("/demandes/nouvelle/api-particulier").await;
    new.assert_contains(r#"src="/fournisseurs/api-particulier/logo""#);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_logo_that_is_not_an_image_is_refused_with_its_name() {
    let dir = providers_with(
        "logo.png",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
    );
    let errors = habilis::catalog::load_dir(&dir).expect_err("refused");
    let shown = errors.to_string();
    assert!(
        shown.contains("api-particulier/logo.png: ce fichier n'est pas une image PNG, JPEG ou WebP (d'après son contenu)"),
        "{shown}"
    );
    std::fs::remove_dir_all(dir).unwrap();

    let dir = providers_with("logo.png", &vec![0u8; 201 * 1024]);
    let shown = habilis::catalog::load_dir(&dir)
        .expect_err("refused")
        .to_string();
    assert!(
        shown.contains("le logo pèse 201 ko : 200 ko au plus"),
        "{shown}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
