//! HTTP: routes per area, extractors, CSRF, errors. Reaches the database only through services.

pub mod csrf;
pub mod ctx;
pub mod errors;
pub mod forms;
pub mod input;
pub mod pages;
pub mod session;
pub mod upload;
pub mod views;

use actix_web::web;

use pages::{
    account, admin, api, assets, attachments, auth, bulk, decision_preview, demandes, exchanges,
    habilitations, home, instruction, mail, notices, opinions, ops, prepared, subscription, teams,
    templates, tokens, transparency, webhooks,
};

/// Declares the routes once: the registration and the list the access-matrix test walks,
/// so a route cannot exist without a row in that test.
macro_rules! route_table {
    ($($method:ident $path:literal => $handler:path;)*) => {
        /// Every route: (method in lower case, path).
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        pub fn routes(cfg: &mut web::ServiceConfig) {
            $(cfg.route($path, web::$method().to($handler));)*
            cfg.default_service(web::to(home::not_found));
        }
    };
}

/// The methods the routes answer at `path` (upper case, sorted); none for an unknown address.
pub fn allowed_methods(path: &str) -> Vec<String> {
    let mut methods: Vec<String> = ROUTES
        .iter()
        .filter(|(_, pattern)| pattern_matches(pattern, path))
        .map(|(method, _)| method.to_uppercase())
        .collect();
    methods.sort();
    methods.dedup();
    methods
}

/// Whether a route's pattern (`/a/{id}/b`, `/static/{path:.*}`) matches a path.
fn pattern_matches(pattern: &str, path: &str) -> bool {
    let wanted: Vec<&str> = pattern.trim_start_matches('/').split('/').collect();
    let given: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    for (i, segment) in wanted.iter().enumerate() {
        if segment.ends_with(":.*}") {
            return given.len() > i;
        }
        let Some(actual) = given.get(i) else {
            return false;
        };
        let fits = if segment.starts_with('{') {
            !actual.is_empty()
        } else {
            segment == actual
        };
        if !fits {
            return false;
        }
    }
    wanted.len() == given.len()
}

route_table! {
    get "/" => home::home;
    get "/healthz" => assets::healthz;
    get "/readyz" => ops::readyz;
    get "/metrics" => ops::metrics;
    get "/static/{path:.*}" => assets::file;
    get "/fournisseurs/{provider}/logo" => assets::logo;
    get "/connexion" => auth::login_page;
    post "/connexion/demo" => auth::dev_login;
    get "/connexion/proconnect" => auth::login_with_provider;
    get "/connexion/retour" => auth::login_callback;
    post "/deconnexion" => auth::logout;
    post "/compte/organisation" => auth::choose_organisation;
    get "/compte" => account::show_account;
    post "/compte/deconnexion-partout" => auth::logout_everywhere;
    get "/demandes" => demandes::list_demandes;
    post "/demandes" => demandes::create_demande;
    get "/demandes/nouvelle/{provider}" => demandes::new_demande;
    get "/demandes/{id}" => demandes::show_demande;
    get "/demandes/{id}/etapes/{step}" => demandes::edit_step;
    post "/demandes/{id}/etapes/{step}" => demandes::save_step;
    get "/demandes/{id}/resume" => demandes::summary;
    get "/demandes/{id}/pieces-jointes/{piece}" => attachments::download_attachment;
    post "/demandes/{id}/soumettre" => demandes::submit_demande;
    post "/demandes/{id}/archiver" => demandes::archive_demande;
    post "/demandes/{id}/restaurer" => demandes::restore_demande;
    post "/demandes/{id}/mettre-a-jour" => demandes::reopen_demande;
    post "/demandes/{id}/annuler-mise-a-jour" => demandes::cancel_reopening;
    post "/demandes/{id}/etape-suivante" => demandes::advance_stage;
    post "/demandes/{id}/messages" => exchanges::write_applicant_message;
    post "/demandes/{id}/copier" => exchanges::copy_demande;
    post "/demandes/{id}/transferer" => exchanges::transfer_demande;
    post "/demandes/{id}/reprendre" => prepared::claim_draft;
    post "/demandes/{id}/partages" => teams::share_habilitation;
    post "/demandes/{id}/partages/retirer" => teams::unshare_habilitation;
    get "/equipes" => teams::list_teams;
    post "/equipes" => teams::create_team;
    get "/equipes/{id}" => teams::show_team;
    post "/equipes/{id}/membres" => teams::set_team_member;
    post "/equipes/{id}/membres/retirer" => teams::remove_team_member;
    get "/instruction" => instruction::dashboard;
    get "/instruction/export.csv" => instruction::export_csv;
    post "/instruction/lot" => bulk::act_on_several;
    get "/instruction/habilitations" => habilitations::list_habilitations;
    get "/instruction/habilitations/{id}" => habilitations::show_habilitation;
    post "/instruction/habilitations/{id}/prolonger" => habilitations::renew_habilitation;
    post "/instruction/habilitations/{id}/revoquer" => habilitations::revoke_habilitation;
    get "/instruction/webhooks" => webhooks::list_webhooks;
    post "/instruction/webhooks/{id}/rejouer" => webhooks::replay_webhook;
    get "/instruction/api" => tokens::list_tokens;
    post "/instruction/api" => tokens::create_token;
    post "/instruction/api/{id}/revoquer" => tokens::revoke_token;
    get "/instruction/annonces" => notices::list_notices;
    post "/instruction/annonces" => notices::preview_notice;
    post "/instruction/annonces/envoyer" => notices::send_notice;
    get "/instruction/brouillons" => prepared::list_prepared;
    post "/instruction/brouillons" => prepared::prepare_draft;
    get "/instruction/modeles" => templates::list_templates;
    post "/instruction/modeles" => templates::create_template;
    post "/instruction/modeles/{id}/supprimer" => templates::delete_template;
    get "/instruction/demandes/{id}" => instruction::show;
    get "/abonnement/demandes/{id}" => subscription::show_summary;
    post "/instruction/demandes/{id}/apercu" => decision_preview::preview_decision;
    post "/instruction/demandes/{id}/valider" => instruction::approve;
    post "/instruction/demandes/{id}/refuser" => instruction::refuse;
    post "/instruction/demandes/{id}/demander-modifications" => instruction::request_changes;
    post "/instruction/demandes/{id}/archiver" => instruction::archive;
    post "/instruction/demandes/{id}/revoquer" => instruction::revoke;
    post "/instruction/demandes/{id}/transferer" => instruction::transfer;
    post "/instruction/demandes/{id}/rattacher" => instruction::move_organisation;
    post "/instruction/demandes/{id}/avis" => opinions::ask_opinion;
    post "/instruction/demandes/{id}/avis/{avis}/repondre" => opinions::answer_opinion;
    post "/instruction/demandes/{id}/avis/{avis}/retirer" => opinions::withdraw_opinion;
    post "/instruction/demandes/{id}/messages" => exchanges::write_instructor_message;
    get "/admin/roles" => admin::roles;
    post "/admin/roles" => admin::grant_role;
    post "/admin/roles/retirer" => admin::revoke_role;
    get "/admin/membres" => account::list_members;
    get "/admin/risques" => admin::risks;
    get "/admin/comptes" => admin::lapsed_accounts;
    get "/revue-des-acces" => admin::access_review;
    post "/revue-des-acces/{id}/confirmer" => admin::confirm_role;
    post "/revue-des-acces/{id}/retirer" => admin::remove_reviewed_role;
    post "/admin/comptes/{id}/reactiver" => admin::reactivate_account;
    post "/admin/comptes/bloquer" => admin::ban_account;
    post "/admin/comptes/{id}/debloquer" => admin::unban_account;
    post "/admin/voir-comme" => admin::view_as;
    post "/admin/voir-comme/fin" => admin::stop_view;
    post "/admin/membres/retirer" => account::remove_member;
    get "/admin/outbox" => mail::dead_letters;
    post "/admin/outbox/{id}/relancer" => mail::retry_email;
    get "/compte/notifications" => mail::notifications;
    post "/compte/notifications" => mail::save_notifications;
    get "/desabonnement" => mail::unsubscribe_form;
    post "/desabonnement" => mail::unsubscribe;
    get "/dev/emails" => mail::dev_emails;
    get "/api/openapi.json" => api::openapi;
    get "/developpeurs" => home::developers;
    get "/habilitations-publiques" => transparency::publishing;
    get "/accessibilite" => transparency::accessibility;
    get "/mentions-legales" => transparency::legal_notice;
    get "/donnees-personnelles" => transparency::personal_data;
    get "/aide" => transparency::faq;
    get "/stats" => transparency::stats;
    get "/stats.csv" => transparency::stats_csv;
    get "/habilitations-publiques/{provider}" => transparency::published;
    get "/habilitations-publiques/{provider}/donnees.json" => transparency::published_json;
    get "/habilitations-publiques/{provider}/donnees.csv" => transparency::published_csv;
    get "/api/v1/habilitations" => api::list_habilitations;
    get "/api/v1/habilitations/{id}" => api::show_habilitation;
    get "/api/v1/demandes/{id}" => api::show_demande;
    get "/api/v1/organisations/{siret}/rights" => api::rights;
    get "/api/v1/agents/{agent}/rights" => api::agent_rights;
}

/// The address a request comes from: the connection's, or behind a reverse proxy
/// (`behind_proxy`) the last address of `X-Forwarded-For`, the one the proxy itself appended
/// (those before it are whatever the client wrote).
pub fn client_address(
    app: &crate::services::App,
    req: &actix_web::HttpRequest,
) -> std::net::IpAddr {
    let peer = req
        .peer_addr()
        .map_or(std::net::IpAddr::from([0, 0, 0, 0]), |a| a.ip());
    // Only a proxy on this machine or a private network is believed: anyone reaching the
    // portal directly from elsewhere writes that header as they please.
    let private = match peer {
        std::net::IpAddr::V4(v4) => v4.is_loopback() || v4.is_private(),
        std::net::IpAddr::V6(v6) => v6.is_loopback() || (v6.segments()[0] & 0xfe00) == 0xfc00,
    };
    if !app.settings.behind_proxy || !private {
        return peer;
    }
    req.headers()
        .get("X-Forwarded-For")
        .and_then(|h| h.to_str().ok())
        .and_then(|list| list.rsplit(',').next())
        .and_then(|last| last.trim().parse().ok())
        .unwrap_or(peer)
}
