//! The admins' page of accounts: those lapsing for want of use, and those blocked.

use crate::services::App;
use crate::web::ctx::PageCtx;

use super::Layout;

/// What the accounts page says after an action, and what a refused block form held.
#[derive(Default)]
pub struct AccountsFeedback {
    pub done: Option<&'static str>,
    pub error: Option<String>,
    /// The form the error and the values belong to: "bloquer" or "voir".
    pub form: &'static str,
    pub email: String,
    pub reason: String,
}

#[derive(askama::Template)]
#[template(path = "admin/accounts.html")]
pub struct LapsedPage {
    pub layout: Layout,
    /// (email, name, last used, to be disabled on).
    pub warned: Vec<(String, String, String, String)>,
    /// (id, email, name, last used, disabled on, to be erased on).
    pub disabled: Vec<(i64, String, String, String, String, String)>,
    /// (id, email, name, blocked on, reason).
    pub blocked: Vec<(i64, String, String, String, String)>,
    pub erased: i64,
    pub idle_days: i64,
    pub erase_after_days: i64,
    pub done: Option<&'static str>,
    pub error: Option<String>,
    pub form: &'static str,
    /// What a refused form held.
    pub email: String,
    pub reason: String,
}

impl LapsedPage {
    pub fn new(
        ctx: &PageCtx,
        app: &App,
        (accounts, erased): (Vec<crate::services::lapsing::Pending>, i64),
        blocked: Vec<crate::services::bans::Blocked>,
        feedback: AccountsFeedback,
    ) -> LapsedPage {
        let day = |at: &chrono::NaiveDateTime| at.format("%d/%m/%Y").to_string();
        let (disabled, warned): (Vec<_>, Vec<_>) =
            accounts.into_iter().partition(|a| a.disabled_at.is_some());
        LapsedPage {
            layout: ctx.layout("admin"),
            warned: warned
                .into_iter()
                .map(|a| (a.email, a.name, day(&a.last_used), day(&a.next)))
                .collect(),
            disabled: disabled
                .into_iter()
                .map(|a| {
                    let on = a.disabled_at.as_ref().map(day).unwrap_or_default();
                    (a.id, a.email, a.name, day(&a.last_used), on, day(&a.next))
                })
                .collect(),
            blocked: blocked
                .into_iter()
                .map(|b| (b.id, b.email, b.name, day(&b.at), b.reason))
                .collect(),
            erased,
            idle_days: app.settings.lapse.idle_days,
            erase_after_days: app.settings.lapse.erase_after_days,
            done: feedback.done,
            error: feedback.error,
            form: feedback.form,
            email: feedback.email,
            reason: feedback.reason,
        }
    }
}
