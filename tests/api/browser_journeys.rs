//! What only a browser shows, at 1280 and 390 px (tests/browser/journeys.mjs does the
//! looking): an error-summary link puts the focus in its field, the step page has no row of
//! step links to tab through before the first field, a submission is confirmed on screen, a
//! 404 keeps the signed-in header, and without JavaScript the menu stays reachable.

use serde_json::{Value, json};

use crate::browser_pages::run_script;
use crate::helpers::spawn_app;

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
    });
    let (ok, stdout, stderr) =
        run_script("journeys.mjs", vec![app.address.clone(), data.to_string()]).await;
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|_| panic!("journeys.mjs printed no report:\n{stdout}\n{stderr}"));
    assert!(ok, "journeys that fail in the browser:\n{stdout}\n{stderr}");
    // Six checks per width, each of them run.
    assert_eq!(report["passed"], 12, "{stdout}");
}
