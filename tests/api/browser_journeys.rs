//! The journeys as a person goes through them in a browser, at 1280 and 390 px
//! (tests/browser/journeys.mjs does the looking): the applicant lands on her demandes in
//! progress; an error-summary link puts the focus in its field; the step page has no row of
//! step links to tab through before the first field; warnings and errors have different
//! colours; a double-clicked submission is confirmed on screen; 403 and 404 keep the
//! signed-in header and say "Erreur :"; the instructor
//! goes from a filtered list to a demande (answers first, one decision block, SIRET spaced),
//! decides, is told who was told, sees the decision first in the history and the way back
//! to the same list; without JavaScript the menu stays reachable.

use serde_json::{Value, json};

use crate::browser_pages::run_script;
use crate::helpers::{instructor_of, spawn_app};

const PROVIDER: &str = "api-particulier";
const APPLICANT: &str = "marie.dupont@mairie-lyon.fr";

#[tokio::test]
#[cfg_attr(
    habilis_no_browser,
    ignore = "needs Node.js and Chromium (/usr/bin/chromium or HABILIS_CHROMIUM); CI sets HABILIS_REQUIRE_BROWSER=1"
)]
async fn the_journeys_hold_in_a_browser_on_a_desktop_and_a_phone() {
    let app = spawn_app().await;
    let marie = app.login_as(APPLICANT).await;
    let data = json!({
        "applicant": APPLICANT,
        "empty": marie.start_demande(PROVIDER, "").await,
        "filled": app.filled_draft(&marie, PROVIDER).await,
        "to_submit": app.filled_draft(&marie, PROVIDER).await,
        "to_submit_second": app.filled_draft(&marie, PROVIDER).await,
        "instructor": instructor_of(PROVIDER),
        "submitted": [
            app.submitted_demande(&marie, PROVIDER).await,
            app.submitted_demande(&marie, PROVIDER).await,
        ],
    });
    let (ok, stdout, stderr) =
        run_script("journeys.mjs", vec![app.address.clone(), data.to_string()]).await;
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|_| panic!("journeys.mjs printed no report:\n{stdout}\n{stderr}"));
    assert!(ok, "journeys that fail in the browser:\n{stdout}\n{stderr}");
    // Twelve checks per width, each of them run.
    assert_eq!(report["passed"], 24, "{stdout}");
}
