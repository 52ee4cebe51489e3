//! The page context extractor: who is signed in, and what the layout around every page needs
//! (the CSRF token of its forms, dev mode), read once per request instead of in each handler.

use std::future::Future;
use std::pin::Pin;

use actix_session::SessionExt;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::error::AppError;
use crate::services::App;
use crate::services::accounts::CurrentUser;

use super::views::{Layout, Site};

/// What every page handler starts from. `PageCtx` requires a signed-in person (anonymous
/// visitors are sent to the login page); [`VisitorCtx`] serves pages open to everyone.
pub struct PageCtx<U = CurrentUser> {
    pub current: U,
    csrf: String,
    dev: bool,
    site: Site,
}

/// The context of a page anyone may open, signed in or not.
pub type VisitorCtx = PageCtx<Option<CurrentUser>>;

impl PageCtx<CurrentUser> {
    /// The layout of a page in the `section` of the navigation.
    pub fn layout(&self, section: &'static str) -> Layout {
        Layout::new(
            Some(&self.current),
            self.csrf.clone(),
            self.dev,
            section,
            self.site.clone(),
        )
    }
}

impl PageCtx<Option<CurrentUser>> {
    /// The layout of a page in the `section` of the navigation.
    pub fn layout(&self, section: &'static str) -> Layout {
        Layout::new(
            self.current.as_ref(),
            self.csrf.clone(),
            self.dev,
            section,
            self.site.clone(),
        )
    }
}

type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

/// Reads the person (if any), then the session's CSRF token, created on first use. A page
/// that needs a person refuses before any token is made.
fn extract(req: &HttpRequest, signed_in: bool) -> Extracted<VisitorCtx> {
    let session = req.get_session();
    let app = req.app_data::<web::Data<App>>().cloned();
    let asked = super::session::asked(req);
    Box::pin(async move {
        let dev = app.as_ref().is_some_and(|app| app.settings.is_dev());
        let site = app.as_ref().map(|app| Site::new(app)).unwrap_or_default();
        let current = super::session::current(session.clone(), app, asked).await?;
        if signed_in && current.is_none() {
            return Err(AppError::Unauthenticated);
        }
        let csrf = super::csrf::token(&session)?;
        Ok(PageCtx {
            current,
            csrf,
            dev,
            site,
        })
    })
}

impl FromRequest for PageCtx<Option<CurrentUser>> {
    type Error = AppError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        extract(req, false)
    }
}

impl FromRequest for PageCtx<CurrentUser> {
    type Error = AppError;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let visitor = extract(req, true);
        Box::pin(async move {
            let PageCtx {
                current,
                csrf,
                dev,
                site,
            } = visitor.await?;
            let current = current.ok_or(AppError::Unauthenticated)?;
            Ok(PageCtx {
                current,
                csrf,
                dev,
                site,
            })
        })
    }
}
