//! Sign-in against a real OpenID provider on loopback (the npm package oidc-provider, run by
//! Node): redirect, the provider's login form, consent, callback, session, the user and
//! organisation rows, logout; and the rejections a browser can provoke.
//!
//! The provider's package is installed in tests/oidc on first use (`npm install`). Without
//! Node.js, the tests that need it are marked ignored at build time (see build.rs), so the
//! summary never counts them as passed; CI sets HABILIS_REQUIRE_NODE=1 and always runs them.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use habilis::config::Environment;
use regex::Regex;
use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp, spawn_app_with};

struct OpenIdProvider {
    child: Child,
    issuer: String,
}

impl Drop for OpenIdProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("oidc")
}

fn start_provider(app_port: u16) -> OpenIdProvider {
    let port = free_port();
    let app = app_port.to_string();
    let args = [
        "provider.mjs".to_string(),
        port.to_string(),
        format!("http://127.0.0.1:{app}/connexion/retour"),
        format!("http://127.0.0.1:{app}/"),
    ];
    start_node(port, &args)
}

/// A provider that breaks its ID tokens as `mode` says (tests/oidc/fake-provider.mjs).
fn start_faulty_provider(mode: &str) -> OpenIdProvider {
    let port = free_port();
    start_node(
        port,
        &[
            "fake-provider.mjs".to_string(),
            port.to_string(),
            mode.to_string(),
        ],
    )
}

/// `npm install` in a folder of tests/ once per run (parallel tests wait for it), unless its
/// packages are there already.
fn npm_install(
    dir: &std::path::Path,
    packages: &[&str],
    done: &'static OnceLock<Result<(), String>>,
) {
    let result = done.get_or_init(|| {
        if packages
            .iter()
            .all(|p| dir.join("node_modules").join(p).exists())
        {
            return Ok(());
        }
        let out = Command::new("npm")
            .current_dir(dir)
            .args(["install", "--no-audit", "--no-fund"])
            .output()
            .map_err(|e| format!("npm could not start ({e}): install nodejs and npm"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "npm install in {} failed:\n{}",
                dir.display(),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

fn install_provider_package() {
    static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
    npm_install(&fixture_dir(), &["oidc-provider"], &INSTALLED);
}

/// A script of tests/browser, with its packages (tests/browser/package.json) installed beside
/// it.
pub(crate) fn browser_script(name: &str) -> PathBuf {
    static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
    let dir = fixture_dir().parent().unwrap().join("browser");
    npm_install(&dir, &["playwright-core", "axe-core"], &INSTALLED);
    dir.join(name)
}

fn start_node(port: u16, args: &[String]) -> OpenIdProvider {
    install_provider_package();
    let mut child = Command::new("node")
        .current_dir(fixture_dir())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node starts (install Node.js, or see build.rs for how these tests are ignored)");
    let mut line = String::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    assert!(line.starts_with("ready"), "provider said: {line}");
    // Keep reading what it prints: a closed pipe would end the provider at its next line.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    OpenIdProvider {
        child,
        issuer: format!("http://127.0.0.1:{port}"),
    }
}

async fn app_with_provider() -> (TestApp, OpenIdProvider) {
    let app_port = free_port();
    let provider = start_provider(app_port);
    (app_for(app_port, &provider).await, provider)
}

async fn app_for(app_port: u16, provider: &OpenIdProvider) -> TestApp {
    let bind = format!("127.0.0.1:{app_port}");
    let base = format!("http://127.0.0.1:{app_port}");
    spawn_app_with(
        Environment::Dev,
        &[
            ("HABILIS_BIND", bind.as_str()),
            ("HABILIS_BASE_URL", base.as_str()),
            ("HABILIS_OIDC_ISSUER", provider.issuer.as_str()),
            ("HABILIS_OIDC_CLIENT_ID", "habilis"),
            ("HABILIS_OIDC_CLIENT_SECRET", "secret-de-test-habilis"),
        ],
    )
    .await
}

fn absolute(base: &str, location: &str) -> String {
    if location.starts_with("http") {
        location.to_string()
    } else {
        format!("{base}{location}")
    }
}

/// Walks the provider's pages as a person would (login form, then consent) and returns the
/// callback URL the provider sends the browser back to.
async fn sign_in_at_provider(habilis: &Browser, provider: &OpenIdProvider, login: &str) -> String {
    let start = habilis.get("/connexion/proconnect").await;
    assert_eq!(start.status, StatusCode::SEE_OTHER);
    let mut url = start.location.unwrap();
    assert!(url.starts_with(&provider.issuer), "{url}");
    let person = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = Regex::new(r#"<form[^>]*action="([^"]+)""#).unwrap();
    let hidden = Regex::new(r#"<input type="hidden" name="([^"]+)" value="([^"]*)""#).unwrap();
    for _ in 0..12 {
        if url.starts_with(&habilis.address) {
            return url;
        }
        let response = person.get(&url).send().await.unwrap();
        if response.status().is_redirection() {
            url = absolute(
                &provider.issuer,
                response.headers()["location"].to_str().unwrap(),
            );
            continue;
        }
        let body = response.text().await.unwrap();
        let action = form
            .captures(&body)
            .map(|c| c[1].to_string())
            .unwrap_or_else(|| panic!("no form in {body}"));
        // The form's hidden fields (its prompt), and a login and password when it asks.
        let mut fields: Vec<(String, String)> = hidden
            .captures_iter(&body)
            .map(|c| (c[1].to_string(), c[2].to_string()))
            .collect();
        if body.contains("name=\"login\"") {
            fields.push(("login".into(), login.into()));
            fields.push(("password".into(), "peu-importe".into()));
        }
        let posted = person
            .post(absolute(&provider.issuer, &action))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert!(posted.status().is_redirection(), "{}", posted.status());
        url = absolute(
            &provider.issuer,
            posted.headers()["location"].to_str().unwrap(),
        );
    }
    panic!("the provider never sent the browser back");
}

fn path_of(url: &str, base: &str) -> String {
    url.trim_start_matches(base).to_string()
}

#[tokio::test]
#[cfg_attr(
    habilis_no_node,
    ignore = "needs Node.js (nodejs and npm) for the OpenID provider; CI sets HABILIS_REQUIRE_NODE=1"
)]
async fn an_agent_signs_in_with_the_provider_and_out_again() {
    let (app, provider) = app_with_provider().await;
    let habilis = app.browser();
    let login = habilis.get("/connexion").await;
    login.assert_contains("S'identifier avec ProConnect");
    let callback = sign_in_at_provider(&habilis, &provider, "agent-nouveau").await;
    let done = habilis.get(&path_of(&callback, &app.address)).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some("/demandes"));

    // Signed in, as the person and for the organisation the provider named.
    let page = habilis.get("/demandes").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Noé Nouveau");
    let mut conn = app.conn();
    let user = habilis::db::users::find_by_email(&mut conn, "nouvel.agent@ville-tours.fr")
        .unwrap()
        .unwrap();
    assert_eq!(user.oidc_sub.as_deref(), Some("agent-nouveau"));
    let orgs = habilis::db::users::organisations_of(&mut conn, user.id).unwrap();
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0].siret, "21370261100004");
    // A demande is made for that organisation.
    let id = habilis.start_demande("api-particulier", "").await;
    habilis
        .get(&format!("/demandes/{id}"))
        .await
        .assert_contains("213 702 611 00004");

    // Logout ends the session here and sends the browser to the provider's end-session page.
    let csrf = page.csrf();
    let out = habilis.post("/deconnexion", &[("_csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    let location = out.location.unwrap();
    assert!(
        location.starts_with(&format!("{}/session/end", provider.issuer)),
        "{location}"
    );
    assert!(location.contains("id_token_hint="));
    assert!(location.contains("post_logout_redirect_uri="));
    assert_eq!(
        habilis.get("/demandes").await.location.as_deref(),
        Some("/connexion")
    );
    // Both are in the audit log, with the person.
    let audited: Vec<(String, String, Option<String>)> = habilis::db::audit::recent(&mut conn, 100)
        .unwrap()
        .into_iter()
        .filter(|r| r.actor == "nouvel.agent@ville-tours.fr")
        .map(|r| (r.action, r.resource, r.new_value))
        .collect();
    let resource = format!("user:{}", user.id);
    assert!(
        audited.contains(&(
            "session.sign_in".to_string(),
            resource.clone(),
            Some(r#"{"method":"oidc"}"#.to_string())
        )),
        "{audited:?}"
    );
    assert!(
        audited.contains(&("session.sign_out".to_string(), resource, None)),
        "{audited:?}"
    );

    // A second sign-in finds the same person (by subject) and keeps them up to date.
    let again = app.browser();
    let callback = sign_in_at_provider(&again, &provider, "agent-nouveau").await;
    assert_eq!(
        again.get(&path_of(&callback, &app.address)).await.status,
        StatusCode::SEE_OTHER
    );
    let users = habilis::db::users::all(&mut conn, 1000).unwrap();
    assert_eq!(
        users
            .iter()
            .filter(|u| u.email == "nouvel.agent@ville-tours.fr")
            .count(),
        1
    );
}

#[tokio::test]
#[cfg_attr(
    habilis_no_node,
    ignore = "needs Node.js (nodejs and npm) for the OpenID provider; CI sets HABILIS_REQUIRE_NODE=1"
)]
async fn a_tampered_state_a_replayed_code_and_a_bad_siret_sign_nobody_in() {
    let (app, provider) = app_with_provider().await;

    // The state sent back does not match the one this browser started with.
    let browser = app.browser();
    let callback = sign_in_at_provider(&browser, &provider, "agent-lyon").await;
    let tampered = Regex::new(r"state=[^&]+")
        .unwrap()
        .replace(&path_of(&callback, &app.address), "state=faux")
        .to_string();
    let refused = browser.get(&tampered).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    refused.assert_contains("La connexion a échoué");
    assert_eq!(
        browser.get("/demandes").await.location.as_deref(),
        Some("/connexion")
    );

    // A code used once cannot sign in again.
    let browser = app.browser();
    let callback = path_of(
        &sign_in_at_provider(&browser, &provider, "agent-lyon").await,
        &app.address,
    );
    assert_eq!(browser.get(&callback).await.status, StatusCode::SEE_OTHER);
    let thief = app.browser();
    let replayed = thief.get(&callback).await;
    assert_eq!(replayed.status, StatusCode::UNAUTHORIZED);
    replayed.assert_contains("Aucune connexion n'était en cours");
    assert_eq!(
        thief.get("/demandes").await.location.as_deref(),
        Some("/connexion")
    );

    // The provider refused (the person cancelled): said plainly.
    let refused = app
        .browser()
        .get("/connexion/retour?error=access_denied&error_description=annul%C3%A9e")
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    refused.assert_contains("Le fournisseur d'identité a refusé ou annulé la connexion.");
    assert!(
        !refused.body.contains("(annulée)"),
        "the provider's own words are not shown"
    );

    // An invalid SIRET claim: no account, no session.
    let browser = app.browser();
    let callback = sign_in_at_provider(&browser, &provider, "agent-sans-siret").await;
    let refused = browser.get(&path_of(&callback, &app.address)).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    refused.assert_contains(
        "Le SIRET transmis pour votre organisation (« 12345678901234 ») n'est pas valide",
    );
    assert_eq!(
        browser.get("/demandes").await.location.as_deref(),
        Some("/connexion")
    );
}

#[tokio::test]
#[cfg_attr(
    habilis_no_node,
    ignore = "needs Node.js (nodejs and npm) for the OpenID provider; CI sets HABILIS_REQUIRE_NODE=1"
)]
async fn id_tokens_with_a_wrong_nonce_key_expiry_or_audience_sign_nobody_in() {
    let cases = [
        ("wrong_nonce", "Le jeton d'identité est invalide"),
        ("other_key", "Le jeton d'identité est invalide"),
        ("expired", "Le jeton d'identité est invalide"),
        ("wrong_audience", "Le jeton d'identité est invalide"),
    ];
    // Node takes seconds to start a provider: the four start at once, and are tried at once.
    let providers = futures_util::future::join_all(cases.map(|(mode, _)| async move {
        tokio::task::spawn_blocking(move || start_faulty_provider(mode))
            .await
            .unwrap()
    }))
    .await;
    let tried = cases
        .iter()
        .zip(&providers)
        .map(|((mode, reason), provider)| async move {
            let app = app_for(free_port(), provider).await;
            let browser = app.browser();
            let start = browser.get("/connexion/proconnect").await;
            let auth = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let response = auth.get(start.location.unwrap()).send().await.unwrap();
            let callback = response.headers()["location"].to_str().unwrap().to_string();
            let refused = browser.get(&path_of(&callback, &app.address)).await;
            assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{mode}");
            refused.assert_contains(reason);
            assert_eq!(
                browser.get("/demandes").await.location.as_deref(),
                Some("/connexion"),
                "{mode}: no session"
            );
            assert!(
                habilis::db::users::find_by_email(&mut app.conn(), "fautif@exemple.fr")
                    .unwrap()
                    .is_none(),
                "{mode}: no account"
            );
        });
    futures_util::future::join_all(tried).await;
}

#[tokio::test]
async fn an_unreachable_issuer_stops_start_up_with_a_clear_message() {
    let closed = free_port();
    let issuer = format!("http://127.0.0.1:{closed}");
    let database = std::env::temp_dir().join(format!("habilis_test_issuer_{closed}.db"));
    let settings = crate::helpers::settings_with(
        Environment::Dev,
        &database.display().to_string(),
        &[
            ("HABILIS_OIDC_ISSUER", issuer.as_str()),
            ("HABILIS_OIDC_CLIENT_ID", "habilis"),
            ("HABILIS_OIDC_CLIENT_SECRET", "s"),
        ],
    );
    let error = habilis::startup::Application::build(settings)
        .await
        .err()
        .expect("start-up refused");
    assert!(
        error
            .to_string()
            .contains(&format!("fournisseur d'identité « {issuer} » injoignable")),
        "{error}"
    );
    let _ = std::fs::remove_file(&database);
}

#[tokio::test]
#[cfg_attr(
    habilis_no_node,
    ignore = "needs Node.js (nodejs and npm) for the OpenID provider; CI sets HABILIS_REQUIRE_NODE=1"
)]
async fn signing_in_for_another_organisation_lapses_the_previous_membership() {
    let (app, provider) = app_with_provider().await;
    // Agathe signs in for the Mairie de Lyon and starts a demande there.
    let lyon = app.browser();
    let callback = sign_in_at_provider(&lyon, &provider, "agent-lyon").await;
    lyon.get(&path_of(&callback, &app.address)).await;
    let id = lyon.start_demande("api-particulier", "").await;
    assert_eq!(
        lyon.get(&format!("/demandes/{id}")).await.status,
        StatusCode::OK
    );

    // She moved to Grenoble: the provider now vouches for Grenoble's SIRET.
    let grenoble = app.browser();
    let callback = sign_in_at_provider(&grenoble, &provider, "agent-lyon+21380055400007").await;
    grenoble.get(&path_of(&callback, &app.address)).await;
    assert_eq!(
        grenoble.get(&format!("/demandes/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let account = grenoble.get("/compte").await;
    account.assert_contains("Mairie de Grenoble");
    assert!(
        !account.text().contains("Mairie de Lyon"),
        "{}",
        account.body
    );

    let admin = app.login_as("admin@habilis.example").await;
    let audit = admin.get("/admin/roles").await;
    audit.assert_contains("membership.lapse");
    audit.assert_contains("memberships:agent@mairie-lyon.fr:21690123100011");
}

/// In a real browser: the sign-out form's redirect must reach the provider's end-session
/// page (a CSP `form-action 'self'` blocked it), and the provider's session must end, so the
/// next person at a shared computer is asked to sign in.
#[tokio::test]
#[cfg_attr(
    habilis_no_browser,
    ignore = "needs Node.js and Chromium (/usr/bin/chromium or HABILIS_CHROMIUM); CI sets HABILIS_REQUIRE_BROWSER=1"
)]
async fn logout_reaches_the_provider_in_a_real_browser() {
    let (app, provider) = app_with_provider().await;
    let script = browser_script("logout.mjs");
    // The browser runs beside this test's runtime, which keeps serving the app meanwhile.
    let args = [app.address.clone(), provider.issuer.clone()];
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .current_dir(script.parent().unwrap())
            .arg(&script)
            .args(&args)
            .arg("agent-lyon")
            .output()
            .expect("node runs the browser script")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let steps: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let step = |name: &str| {
        steps
            .iter()
            .find(|s| s["step"] == name)
            .unwrap_or_else(|| panic!("no step {name} in {stdout}"))
    };
    assert_eq!(step("signed_in")["heading"], "Mes demandes");
    let after = step("after_logout")["url"].as_str().unwrap();
    assert!(
        after.starts_with(&format!("{}/session/end", provider.issuer)),
        "the browser stayed at {after}: {stdout}"
    );
    assert!(
        step("back_home")["url"]
            .as_str()
            .unwrap()
            .starts_with(&app.address)
    );
    assert_eq!(step("sign_in_again")["asks_for_login"], true, "{stdout}");
}
