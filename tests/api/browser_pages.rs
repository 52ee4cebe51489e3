//! Every page of every journey in headless Chromium, at 1280 and 390 px wide: no WCAG A/AA
//! violation found by axe-core, nothing wider than the window (tests/browser/pages.mjs does
//! the looking). The app is the real one on a fresh database, with what each role sees on a
//! working day: an applicant's draft, submitted and validated demandes, and the provider's
//! instructor, reporter, subscriber and manager, and the admin.
//!
//! The same pages are photographed for the README by tests/browser/screenshots.sh, which runs
//! `refresh_screenshots` below (ignored otherwise).

use std::path::PathBuf;
use std::process::Command;

use habilis::domain::form::FieldKind;
use serde_json::{Value, json};

use crate::helpers::{TestApp, instructor_of, spawn_app};
use crate::oidc::browser_script;

const PROVIDER: &str = "api-particulier";
const APPLICANT: &str = "marie.dupont@mairie-lyon.fr";
const ADMIN: &str = "admin@habilis.example";

/// The demandes the pages show.
struct Demandes {
    /// A validated API R2P sandbox, whose page offers the production stage.
    sandbox: i64,
    draft: i64,
    submitted: i64,
    validated: i64,
    /// The habilitation of `validated`.
    habilitation: i64,
    /// A draft the instructor prepared for the applicant's organisation.
    prepared: i64,
    /// A biodiversity demande asking actions, filters and a level, submitted; and a draft.
    rights: i64,
    rights_draft: i64,
    /// A validated biodiversity demande, its habilitation shared with a team.
    shared: i64,
    /// That team.
    team: String,
}

/// An applicant's demandes in three states, made as she makes them.
async fn demandes(app: &TestApp) -> Demandes {
    let marie = app.login_as(APPLICANT).await;
    let draft = app.filled_draft(&marie, PROVIDER).await;
    // The draft's legal basis has its text attached: the step lists it, the summary links it.
    let legal = app.complete_answers(PROVIDER).remove(1);
    let pairs: Vec<(&str, &str)> = legal
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let file = crate::attachments::pdf("deliberation");
    let sent = marie
        .send_files(
            draft,
            2,
            &pairs,
            &[(
                "cadre_juridique_document",
                "Délibération 2026-114.pdf",
                file,
            )],
        )
        .await;
    assert_eq!(sent.status, reqwest::StatusCode::SEE_OTHER, "{}", sent.body);
    let shared = app.validated_demande(&marie, "biodiversite").await;
    let csrf = marie.get("/equipes").await.csrf();
    let made = marie
        .post(
            "/equipes",
            &[("_csrf", &csrf), ("name", "Service environnement")],
        )
        .await;
    let team = made
        .location
        .unwrap()
        .trim_start_matches("/equipes/")
        .to_string();
    marie
        .post(
            &format!("/demandes/{shared}/partages"),
            &[("_csrf", &csrf), ("equipe", &team)],
        )
        .await;
    // An account disabled for want of use, and one warned: the admins' page lists both.
    let now = habilis::services::now();
    for (email, disabled) in [
        ("ancien.agent@mairie-lyon.fr", true),
        ("agent.absent@mairie-lyon.fr", false),
    ] {
        app.add_member(email, "21690123100011");
        let mut conn = app.conn();
        let user = habilis::db::users::find_by_email(&mut conn, email)
            .unwrap()
            .unwrap();
        assert!(habilis::db::lapse::mark_warned(&mut conn, user.id, None, now).unwrap());
        if disabled {
            assert!(habilis::db::lapse::disable(&mut conn, user.id, now, now).unwrap());
        }
    }
    // A message template: the managers' page lists it, the instruction page offers it.
    {
        let mut conn = app.conn();
        let manager = habilis::db::users::find_by_email(&mut conn, &role("gestion"))
            .unwrap()
            .unwrap();
        habilis::db::message_templates::insert(
            &mut conn,
            (PROVIDER, "request_changes"),
            (
                "Délibération manquante",
                "Bonjour {{demandeur}}, joignez la délibération à la demande {{numero}}.",
            ),
            manager.id,
            now,
        )
        .unwrap();
    }
    // An access review under way: the managers' page lists roles to confirm.
    habilis::db::access_reviews::start(
        &mut app.conn(),
        now,
        now + chrono::Duration::days(30),
        "test",
    )
    .unwrap();
    let rights_draft = marie.start_demande("biodiversite", "").await;
    let validated = app.validated_demande(&marie, PROVIDER).await;
    marie
        .fill(rights_draft, 3, &crate::rights_asked::asked_rights())
        .await;
    Demandes {
        rights_draft,
        sandbox: app.validated_demande(&marie, "api-r2p").await,
        draft,
        submitted: app.submitted_demande(&marie, PROVIDER).await,
        validated,
        prepared: app
            .prepared_draft(PROVIDER, "21690123100011", APPLICANT)
            .await,
        habilitation: habilis::db::habilitations::for_demande(&mut app.conn(), validated).unwrap()
            [0]
        .id,
        rights: crate::rights_asked::submitted_with_rights(app, &marie).await,
        shared,
        team,
    }
}

/// The step of the provider's form where data are chosen (its longest), 1-based.
fn scopes_step(app: &TestApp) -> usize {
    let form = &app.catalog.get(PROVIDER).unwrap().form;
    form.steps
        .iter()
        .position(|s| s.fields.iter().any(|f| f.kind == FieldKind::Scopes))
        .map_or(1, |i| i + 1)
}

fn role(kind: &str) -> String {
    format!("{kind}@{PROVIDER}.example")
}

/// (name, account signed in as, path, expected status).
fn pages(app: &TestApp, d: &Demandes) -> Vec<(String, Option<String>, String, u16)> {
    let marie = Some(APPLICANT.to_string());
    let instructor = Some(instructor_of(PROVIDER));
    let admin = Some(ADMIN.to_string());
    let page =
        |name: &str, who: &Option<String>, path: String| (name.to_string(), who.clone(), path, 200);
    vec![
        page("accueil", &None, "/".into()),
        page("connexion", &None, "/connexion".into()),
        page("developpeurs", &None, "/developpeurs".into()),
        page("accessibilite", &None, "/accessibilite".into()),
        page("aide", &None, "/aide".into()),
        page(
            "statistiques",
            &Some(instructor_of(PROVIDER)),
            format!("/stats?fournisseur={PROVIDER}"),
        ),
        page(
            "habilitations-publiques",
            &None,
            "/habilitations-publiques/biodiversite".into(),
        ),
        (
            "introuvable".into(),
            None,
            "/page-qui-n-existe-pas".into(),
            404,
        ),
        page("demandes", &marie, "/demandes".into()),
        page(
            "nouvelle-demande",
            &marie,
            format!("/demandes/nouvelle/{PROVIDER}"),
        ),
        page(
            "eligibilite-arretee",
            &marie,
            "/demandes/nouvelle/api-impot-particulier?organisme=non".into(),
        ),
        page(
            "demande-brouillon",
            &marie,
            format!("/demandes/{}", d.draft),
        ),
        page(
            "demande-soumise",
            &marie,
            format!("/demandes/{}", d.submitted),
        ),
        page(
            "demande-validee",
            &marie,
            format!("/demandes/{}", d.validated),
        ),
        page("etape-1", &marie, format!("/demandes/{}/etapes/1", d.draft)),
        page(
            "bac-a-sable-valide",
            &marie,
            format!("/demandes/{}", d.sandbox),
        ),
        page(
            "etape-pieces-jointes",
            &marie,
            format!("/demandes/{}/etapes/2", d.draft),
        ),
        page(
            "etape-donnees",
            &marie,
            format!("/demandes/{}/etapes/{}", d.draft, scopes_step(app)),
        ),
        page("resume", &marie, format!("/demandes/{}/resume", d.draft)),
        page(
            "etape-droits",
            &marie,
            format!("/demandes/{}/etapes/3", d.rights_draft),
        ),
        page(
            "instruction-droits",
            &Some(instructor_of("biodiversite")),
            format!("/instruction/demandes/{}", d.rights),
        ),
        page(
            "demande-partagee",
            &marie,
            format!("/demandes/{}", d.shared),
        ),
        page("equipes", &marie, "/equipes".into()),
        page("equipe", &marie, format!("/equipes/{}", d.team)),
        page("compte", &marie, "/compte".into()),
        page("notifications", &instructor, "/compte/notifications".into()),
        page("instruction", &instructor, "/instruction".into()),
        page(
            "instruction-demande",
            &instructor,
            format!("/instruction/demandes/{}", d.submitted),
        ),
        page(
            "habilitations",
            &instructor,
            "/instruction/habilitations".into(),
        ),
        page(
            "habilitation",
            &instructor,
            format!("/instruction/habilitations/{}", d.habilitation),
        ),
        page(
            "brouillons-prepares",
            &instructor,
            "/instruction/brouillons".into(),
        ),
        page(
            "demande-preparee",
            &marie,
            format!("/demandes/{}", d.prepared),
        ),
        page(
            "instruction-demande-admin",
            &admin,
            format!("/instruction/demandes/{}", d.validated),
        ),
        page("webhooks", &instructor, "/instruction/webhooks".into()),
        page("rapport", &Some(role("rapport")), "/instruction".into()),
        page("api", &Some(role("gestion")), "/instruction/api".into()),
        page(
            "abonnement",
            &Some(role("abonnement")),
            format!("/abonnement/demandes/{}", d.submitted),
        ),
        page("admin-roles", &admin, "/admin/roles".into()),
        page("admin-membres", &admin, "/admin/membres".into()),
        page("admin-outbox", &admin, "/admin/outbox".into()),
        page("admin-risques", &admin, "/admin/risques".into()),
        page("admin-comptes", &admin, "/admin/comptes".into()),
        page(
            "revue-des-acces",
            &Some(role("gestion")),
            "/revue-des-acces".into(),
        ),
        page(
            "annonces-aux-titulaires",
            &Some(role("gestion")),
            "/instruction/annonces".into(),
        ),
        page(
            "modeles-de-messages",
            &Some(role("gestion")),
            "/instruction/modeles".into(),
        ),
    ]
}

/// The pages whose tables must fit the window at both widths, with nothing scrolling
/// sideways: the dashboard at 1280 px shows all its columns at once, and on a phone each row
/// is a card.
const NO_SCROLL: &[&str] = &[
    "instruction",
    "rapport",
    "habilitations",
    "webhooks",
    "api",
    "abonnement",
    "developpeurs",
    "admin-roles",
    "admin-membres",
    "admin-outbox",
    "admin-risques",
    "habilitations-publiques",
];

fn as_json(pages: &[(String, Option<String>, String, u16)]) -> String {
    Value::from(
        pages
            .iter()
            .map(|(name, account, path, status)| {
                json!({
                    "name": name,
                    "account": account,
                    "path": path,
                    "status": status,
                    "no_scroll": NO_SCROLL.contains(&name.as_str()),
                })
            })
            .collect::<Vec<_>>(),
    )
    .to_string()
}

/// Runs a script of tests/browser with these arguments beside the test's runtime (which
/// keeps serving the app meanwhile): its exit status, stdout and stderr.
pub(crate) async fn run_script(name: &str, args: Vec<String>) -> (bool, String, String) {
    let script: PathBuf = browser_script(name);
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .current_dir(script.parent().unwrap())
            .arg(&script)
            .args(&args)
            .output()
            .expect("node runs the browser script")
    })
    .await
    .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// One line per failure of pages.mjs's report, for a reader in a hurry.
fn summary(report: &Value) -> String {
    let Some(failures) = report["failures"].as_array() else {
        return String::new();
    };
    failures
        .iter()
        .map(|f| {
            let what = match f["problem"].as_str().unwrap_or_default() {
                "axe" => format!("axe {}", f["rules"]),
                "scrolls_sideways" => format!("scrolls sideways: {}", f["scrollers"]),
                "horizontal_overflow" => format!(
                    "{} px wide > {} px: {}",
                    f["scrollWidth"],
                    f["limit"],
                    f["offenders"]
                        .as_array()
                        .map(|o| {
                            o.iter()
                                .take(3)
                                .map(|e| format!("{} ({} px)", e["selector"], e["width"]))
                                .collect::<Vec<_>>()
                                .join(", ")
                        })
                        .unwrap_or_default()
                ),
                other => format!("{other}: {f}"),
            };
            format!("{} {} @{}: {what}", f["page"], f["path"], f["width"])
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
#[cfg_attr(
    habilis_no_browser,
    ignore = "needs Node.js and Chromium (/usr/bin/chromium or HABILIS_CHROMIUM); CI sets HABILIS_REQUIRE_BROWSER=1"
)]
async fn every_page_is_accessible_and_fits_a_phone() {
    let app = spawn_app().await;
    let d = demandes(&app).await;
    let pages = pages(&app, &d);
    let (ok, stdout, stderr) =
        run_script("pages.mjs", vec![app.address.clone(), as_json(&pages)]).await;
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|_| panic!("pages.mjs printed no report:\n{stdout}\n{stderr}"));
    assert!(
        ok,
        "pages that fail (axe-core WCAG A/AA, or wider than the window):\n{}\n\nthe report:\n{stdout}\n{stderr}",
        summary(&report)
    );
    assert_eq!(report["checked"], pages.len() * 2, "{stdout}");
}

/// Photographs the main page of each role at both widths into docs/screenshots/ (run by
/// tests/browser/screenshots.sh; it writes into the repository, so never by plain `cargo test`).
#[tokio::test]
#[ignore = "refreshes docs/screenshots/: run tests/browser/screenshots.sh"]
async fn refresh_screenshots() {
    let app = spawn_app().await;
    let d = demandes(&app).await;
    let instructor = Some(instructor_of(PROVIDER));
    let marie = Some(APPLICANT.to_string());
    let shots = [
        ("demandeur-demandes", &marie, "/demandes".to_string()),
        (
            "demandeur-etape",
            &marie,
            format!("/demandes/{}/etapes/{}", d.draft, scopes_step(&app)),
        ),
        (
            "demandeur-pieces-jointes",
            &marie,
            format!("/demandes/{}/etapes/2", d.draft),
        ),
        (
            "demandeur-resume",
            &marie,
            format!("/demandes/{}/resume", d.draft),
        ),
        ("instructeur-tableau", &instructor, "/instruction".into()),
        (
            "instructeur-demande",
            &instructor,
            format!("/instruction/demandes/{}", d.submitted),
        ),
        (
            "rapporteur-tableau",
            &Some(role("rapport")),
            "/instruction".into(),
        ),
        (
            "admin-roles",
            &Some(ADMIN.to_string()),
            "/admin/roles".into(),
        ),
    ];
    let list: Vec<Value> = shots
        .iter()
        .map(|(name, account, path)| json!({"name": name, "account": account, "path": path}))
        .collect();
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    let (ok, stdout, stderr) = run_script(
        "screenshots.mjs",
        vec![
            app.address.clone(),
            Value::from(list).to_string(),
            dir.display().to_string(),
        ],
    )
    .await;
    assert!(ok, "{stdout}\n{stderr}");
    println!("{stdout}");
}
