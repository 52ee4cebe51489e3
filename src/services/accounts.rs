//! Who is signed in, and the demo accounts of the dev login.

use crate::db::models::{Organisation, User};
use crate::db::{DbConnection, users};
use crate::domain::policy::Actor;
use crate::error::AppError;

use super::App;

/// The signed-in person with what the policy needs.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub actor: Actor,
    pub organisations: Vec<Organisation>,
    /// The one chosen in the header, if it is still one of theirs.
    pub chosen: Option<i64>,
    /// The version of the dashboards' data, read with the session: a dashboard kept under
    /// this version is current. `None` when it was not read: nothing kept is then used.
    pub lists_version: Option<ListsVersion>,
    /// When an admin sees the portal as this person: read-only, until a time.
    pub viewing: Option<Viewing>,
}

/// An admin's view of the portal as the person of a [`CurrentUser`].
#[derive(Debug, Clone)]
pub struct Viewing {
    pub admin_id: i64,
    pub admin_name: String,
    pub admin_email: String,
    pub until: chrono::NaiveDateTime,
}

/// What a kept dashboard must have been read at to be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListsVersion {
    /// Moved on by every change of a submitted demande or a message, whoever makes it (see
    /// [`crate::db::dashboard::ListsVersion`]).
    pub demandes: i64,
    /// Moved on by each message this person reads (their unread badges, no one else's).
    pub reads: i64,
}

impl CurrentUser {
    /// The organisation demandes are made for: the chosen one, else the first.
    pub fn current_organisation(&self) -> Option<&Organisation> {
        self.chosen
            .and_then(|id| self.organisations.iter().find(|o| o.id == id))
            .or_else(|| self.organisations.first())
    }
}

pub async fn load(
    app: &App,
    user_id: i64,
    chosen: Option<i64>,
) -> Result<Option<CurrentUser>, AppError> {
    app.db
        .run(move |conn| load_with(conn, user_id, chosen))
        .await
}

/// The person with their roles and current organisations, on a connection already held.
pub fn load_with(
    conn: &mut DbConnection,
    user_id: i64,
    chosen: Option<i64>,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(user) = users::find(conn, user_id)? else {
        return Ok(None);
    };
    let access = Access::load(conn, user_id)?;
    Ok(Some(access.of(user, chosen)))
}

/// What a person may do beyond who they are: their roles and current organisations.
#[derive(Debug, Clone)]
pub struct Access {
    roles: Vec<(String, crate::domain::policy::Role)>,
    organisations: Vec<Organisation>,
}

impl Access {
    pub fn load(conn: &mut DbConnection, user_id: i64) -> Result<Access, AppError> {
        Ok(Access {
            roles: users::roles_of(conn, user_id)?,
            organisations: users::organisations_of(conn, user_id)?,
        })
    }

    /// The signed-in person these rights belong to.
    pub fn of(self, user: User, chosen: Option<i64>) -> CurrentUser {
        let actor = Actor {
            user_id: user.id,
            is_admin: user.is_admin,
            organisations: self.organisations.iter().map(|o| o.id).collect(),
            roles: self.roles,
        };
        CurrentUser {
            user,
            actor,
            organisations: self.organisations,
            chosen,
            lists_version: None,
            viewing: None,
        }
    }
}

/// People's [`Access`] kept between requests, each with the generation it was read at: the
/// database moves a person's generation on with any change of their roles, memberships or
/// organisations (triggers, in the same transaction), and a copy of another generation is
/// never used. Bounded: emptied when it holds too many people.
#[derive(Debug, Default)]
pub struct AccessCache {
    entries: std::sync::Mutex<std::collections::HashMap<i64, (i64, Access)>>,
}

const ACCESS_CACHE_SIZE: usize = 10_000;

impl AccessCache {
    /// The person's access at this generation: from memory, else read and kept.
    pub fn get_or_load(
        &self,
        conn: &mut DbConnection,
        user_id: i64,
        generation: i64,
    ) -> Result<Access, AppError> {
        if let Ok(entries) = self.entries.lock()
            && let Some((kept, access)) = entries.get(&user_id)
            && *kept == generation
        {
            return Ok(access.clone());
        }
        let access = Access::load(conn, user_id)?;
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= ACCESS_CACHE_SIZE {
                entries.clear();
            }
            entries.insert(user_id, (generation, access.clone()));
        }
        Ok(access)
    }
}

/// A demo account as the dev login page shows it.
#[derive(Debug, Clone)]
pub struct DevAccount {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub description: String,
}

/// The dev login's accounts: the named demo accounts first, in the seed's order; and, when
/// `query` is given, every account whose name, email or organisation contains it (ignoring
/// case), the generated ones included.
pub async fn dev_accounts_matching(
    app: &App,
    query: Option<&str>,
) -> Result<(Vec<DevAccount>, Vec<DevAccount>), AppError> {
    let named = super::seed::named_demo_emails(&app.catalog);
    let all = dev_accounts(app).await?;
    let mut first: Vec<DevAccount> = all
        .iter()
        .filter(|a| named.contains(&a.email))
        .cloned()
        .collect();
    first.sort_by_key(|a| named.iter().position(|e| e == &a.email));
    let found = match query.map(|q| q.trim().to_lowercase()) {
        Some(q) if !q.is_empty() => all
            .into_iter()
            .filter(|a| {
                [&a.name, &a.email, &a.description]
                    .iter()
                    .any(|text| text.to_lowercase().contains(&q))
            })
            .collect(),
        _ => vec![],
    };
    Ok((first, found))
}

pub async fn dev_accounts(app: &App) -> Result<Vec<DevAccount>, AppError> {
    app.db
        .run(|conn| {
            let mut out = Vec::new();
            for user in users::all(conn, 500)? {
                let mut parts: Vec<String> = users::organisations_of(conn, user.id)?
                    .into_iter()
                    .map(|o| format!("demandeur pour {}", o.name))
                    .collect();
                for (provider, role) in users::roles_of(conn, user.id)? {
                    parts.push(format!("{} {}", role.label().to_lowercase(), provider));
                }
                if user.is_admin {
                    parts.push("administrateur".to_string());
                }
                out.push(DevAccount {
                    id: user.id,
                    name: user.full_name(),
                    email: user.email.clone(),
                    description: parts.join(", "),
                });
            }
            Ok(out)
        })
        .await
}

/// Requests per key (an IP address, a token) and minute: a fixed window, kept in memory, for a
/// single SQLite instance (on PostgreSQL, [`super::throttle::allow`] counts in the database).
#[derive(Debug)]
pub struct RateLimiter<K> {
    per_minute: u32,
    seen: std::sync::Mutex<std::collections::HashMap<K, (i64, u32)>>,
}

/// Sign-in attempts per IP address (in memory: one SQLite instance).
pub type LoginLimiter = RateLimiter<String>;

impl<K: std::hash::Hash + Eq> RateLimiter<K> {
    pub fn new(per_minute: u32) -> RateLimiter<K> {
        RateLimiter {
            per_minute,
            seen: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// Counts a request; false when this key has asked too often this minute.
    pub fn allow(&self, ip: K, now_seconds: i64) -> bool {
        let minute = now_seconds / 60;
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen.len() > 10_000 {
            seen.retain(|_, (m, _)| *m == minute);
        }
        let entry = seen.entry(ip).or_insert((minute, 0));
        if entry.0 != minute {
            *entry = (minute, 0);
        }
        entry.1 += 1;
        entry.1 <= self.per_minute
    }
}

/// Signs in who the identity provider vouched for: the person is created on first sign-in and
/// kept up to date afterwards; the SIRET creates or joins the organisation (verified, since the
/// provider vouched for it) and becomes the person's only current one: an agent who moved stops
/// seeing the previous organisation's demandes (each lapsed membership is audited).
/// Returns the user id and the organisation id.
pub async fn sign_in_identity(
    app: &App,
    identity: crate::services::oidc::Identity,
) -> Result<(i64, i64), AppError> {
    let siret = crate::domain::siret::Siret::parse(&identity.siret).map_err(|e| {
        AppError::LoginFailed(format!(
            "Le SIRET transmis pour votre organisation (« {} ») n'est pas valide : {e}",
            identity.siret.chars().take(20).collect::<String>()
        ))
    })?;
    let email = crate::domain::email::Email::parse(&identity.email).map_err(|_| {
        AppError::LoginFailed("L'adresse électronique transmise n'est pas valide.".to_string())
    })?;
    let key = app.settings.audit_key.clone();
    app.db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                let now = super::now();
                let known = match users::find_by_subject(conn, &identity.subject)? {
                    Some(u) => Some(u),
                    // An account made in advance (a role granted by email) is linked at its first
                    // sign-in; one already linked to another identity is never taken over.
                    None => match users::find_by_email(conn, email.as_str())? {
                        Some(u) if u.oidc_sub.is_some() => {
                            return Err(AppError::LoginFailed(
                                "Un autre compte utilise déjà cette adresse électronique : contactez l'administrateur de habilis.".to_string(),
                            ));
                        }
                        other => other,
                    },
                };
                let user = match known {
                    Some(u) => u,
                    None => users::insert(
                        conn,
                        &crate::db::models::NewUser {
                            email: email.as_str(),
                            given_name: &identity.given_name,
                            family_name: &identity.family_name,
                            is_admin: false,
                            created_at: now,
                        },
                    )?,
                };
                users::update_identity(
                    conn,
                    user.id,
                    &identity.subject,
                    email.as_str(),
                    &identity.given_name,
                    &identity.family_name,
                )?;
                let org = match crate::db::organisations::find_by_siret(conn, siret.as_str())? {
                    Some(o) => o,
                    None => crate::db::organisations::insert(
                        conn,
                        &crate::db::models::NewOrganisation {
                            siret: siret.as_str(),
                            name: &siret.to_string(),
                            naf: None,
                            created_at: now,
                        },
                    )?,
                };
                if users::add_membership(conn, user.id, org.id, true, now)? {
                    // Back for an organisation it had left, or been removed from by an admin:
                    // the identity provider vouches for it again, and the log says so.
                    super::audit::record(
                        conn,
                        &key,
                        email.as_str(),
                        "membership.restore",
                        &format!("memberships:{}:{}", email.as_str(), org.siret),
                        None,
                        Some(&format!("rétablie : connexion pour le SIRET {}", siret.as_str())),
                    )?;
                }
                for lapsed in users::lapse_memberships_except(conn, user.id, org.id, now)? {
                    super::audit::record(
                        conn,
                        &key,
                        email.as_str(),
                        "membership.lapse",
                        &format!("memberships:{}:{}", email.as_str(), lapsed.siret),
                        Some(&lapsed.name),
                        Some(&format!(
                            "expirée : connexion pour le SIRET {}",
                            siret.as_str()
                        )),
                    )?;
                }
                Ok::<_, AppError>((user.id, org.id))
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempts_are_counted_per_address_and_minute() {
        let limiter = LoginLimiter::new(2);
        let (a, b) = (|| "10.0.0.1".to_string(), || "10.0.0.2".to_string());
        assert!(limiter.allow(a(), 60));
        assert!(limiter.allow(a(), 61));
        assert!(!limiter.allow(a(), 62));
        assert!(limiter.allow(b(), 62), "another address has its own count");
        assert!(limiter.allow(a(), 120), "a new minute starts over");
    }
}
