//! Every route of the app x every kind of actor, with the status each must get.
//! The rows are checked against the app's own route list: a new route without a row fails.

use futures_util::StreamExt;
use reqwest::StatusCode;

use crate::helpers::{TestApp, spawn_app};

const PROVIDER: &str = "api-particulier";

/// The actor kinds, in the order of each row's expectations.
const ACTORS: [(&str, Option<&str>); 13] = [
    ("anonymous", None),
    ("owner", Some("marie.dupont@mairie-lyon.fr")),
    ("same organisation", Some("paul.martin@mairie-lyon.fr")),
    ("other organisation", Some("jeanne.roux@grenoble.fr")),
    (
        "subscriber only",
        Some("abonnement@api-particulier.example"),
    ),
    ("reporter", Some("rapport@api-particulier.example")),
    ("reporter elsewhere", Some("rapport@api-entreprise.example")),
    ("instructor", Some("instruction@api-particulier.example")),
    (
        "instructor elsewhere",
        Some("instruction@api-entreprise.example"),
    ),
    ("manager", Some("gestion@api-particulier.example")),
    ("admin", Some("admin@habilis.example")),
    // An instructor of the provider who is also an agent of the owner's organisation.
    ("self-instruction", Some(SELF_INSTRUCTOR)),
    // An agent whose membership of the owner's organisation lapsed (now acting for Grenoble).
    ("lapsed member", Some(LAPSED_MEMBER)),
];

const SELF_INSTRUCTOR: &str = "instructrice.lyon@mairie-lyon.fr";
const LAPSED_MEMBER: &str = "ancien.agent@mairie-lyon.fr";
const OWNER_SIRET: &str = "21690123100011";
const GRENOBLE_SIRET: &str = "21380055400007";

/// What a cell expects.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Want {
    Ok,
    /// 303 somewhere else than the login page (the action was done).
    Done,
    /// 303 to the login page.
    Login,
    Forbidden,
    NotFound,
    /// 401: the rights API wants a bearer token, whoever the browser is.
    Unauthorized,
}
use Want::*;

impl Want {
    fn matches(self, status: StatusCode, location: Option<&str>) -> bool {
        match self {
            Ok => status == StatusCode::OK,
            Done => status == StatusCode::SEE_OTHER && location != Some("/connexion"),
            Login => status == StatusCode::SEE_OTHER && location == Some("/connexion"),
            Forbidden => status == StatusCode::FORBIDDEN,
            NotFound => status == StatusCode::NOT_FOUND,
            Unauthorized => status == StatusCode::UNAUTHORIZED,
        }
    }
}

/// The state the demande of a row is in before the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fixture {
    Nothing,
    Draft,
    CompleteDraft,
    Submitted,
    Refused,
    Validated,
    /// A role to remove.
    Role,
    /// An email that gave up (its outbox id).
    DeadLetter,
    /// A signed unsubscribe link (its query string).
    Unsubscribe,
    /// The owner's organisation (its id).
    OwnerOrganisation,
    /// A validated demande being updated.
    Reopened,
    /// A rights-API token of the provider (its id).
    ApiToken,
    /// A webhook delivery of the owner's submitted demande (its outbox id).
    WebhookDelivery,
    /// A person who belongs to the owner's organisation (their email).
    Membership,
    /// A submitted demande with a file attached (`<demande id>:<file id>`).
    Attachment,
    /// A validated sandbox of a provider in stages (API R2P).
    ValidatedSandbox,
    /// A validated demande whose habilitation the owner shared with their colleague
    /// (`<demande id>:<share id>`).
    Shared,
    /// A team of the owner's organisation, made by the owner, their colleague a member (its id).
    Team,
    /// An account disabled for want of use (its id).
    DisabledAccount,
    /// An account an admin blocked (its id).
    BannedAccount,
    /// A draft of the owner, archived.
    ArchivedDraft,
    /// A message template of the provider (its id).
    MessageTemplate,
    /// The owner's submitted demande and the provider's reporter to ask (`<demande>:<user>`).
    OpinionTarget,
    /// An opinion the provider's instructor asked its reporter on the owner's submitted demande
    /// (`<demande>:<opinion>`).
    OpinionAsked,
    /// A reporter's role of the provider, undecided in the open access review (its item's id).
    ReviewItem,
    /// The habilitation of the owner's validated demande (its id).
    Granted,
    /// A draft the provider's instructor prepared for the owner's organisation (its id).
    PreparedDraft,
}

struct Row {
    method: &'static str,
    path: &'static str,
    fixture: Fixture,
    want: [Want; 13],
}

const ALL_OK: [Want; 13] = [Ok; 13];
const SIGNED_IN_OK: [Want; 13] = [Login, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok, Ok];
/// Readable by the owner and their colleague only.
const ORG_READ: [Want; 13] = [
    Login, Ok, Ok, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound,
    Ok, NotFound,
];
const MANAGERS_PAGE: [Want; 13] = [
    Login, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
    Ok, Ok, Forbidden, Forbidden,
];
const ADMIN_ONLY_PAGE: [Want; 13] = [
    Login, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
    Forbidden, Ok, Forbidden, Forbidden,
];
const ADMIN_ONLY_ACTION: [Want; 13] = [
    Login, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
    Forbidden, Done, Forbidden, Forbidden,
];
/// Done by the owner or a colleague; strangers see nothing.
const ORG_WRITE: [Want; 13] = [
    Login, Done, Done, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound,
    NotFound, Done, NotFound,
];
/// Changed by the owner only; the colleague is told no, strangers see nothing.
const OWNER_EDIT: [Want; 13] = [
    Login, Done, Forbidden, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound,
    NotFound, Forbidden, NotFound,
];
const OWNER_PAGE: [Want; 13] = [
    Login, Ok, Forbidden, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound,
    NotFound, Forbidden, NotFound,
];
/// Instruction pages of a provider: its reporters, instructors, managers, and admins.
const INSTRUCTION_READ: [Want; 13] = [
    Login, NotFound, NotFound, NotFound, NotFound, Ok, NotFound, Ok, NotFound, Ok, Ok, Ok, NotFound,
];
/// The summary subscribers open from emails: the provider's subscribers, reporters,
/// instructors, managers, and admins.
const SUMMARY_READ: [Want; 13] = [
    Login, NotFound, NotFound, NotFound, Ok, Ok, NotFound, Ok, NotFound, Ok, Ok, Ok, NotFound,
];
/// Decisions: the provider's instructors and managers; its readers are told no.
const DECIDE: [Want; 13] = [
    Login, NotFound, NotFound, NotFound, NotFound, Forbidden, NotFound, Done, NotFound, Done,
    Forbidden, Forbidden, NotFound,
];
const MANAGE_ROLES: [Want; 13] = [
    Login, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
    Done, Done, Forbidden, Forbidden,
];

/// An organisation's teams: its agents; people acting for none are told why not.
const TEAMS_PAGE: [Want; 13] = [
    Login, Ok, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
    Ok, Ok,
];
const TEAMS_WRITE: [Want; 13] = [
    Login, Done, Done, Done, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
    Forbidden, Done, Done,
];
/// One team: the agents of its organisation, and admins.
const TEAM_READ: [Want; 13] = [
    Login, Ok, Ok, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, Ok, Ok,
    NotFound,
];
/// A team's members: changed by its admins (the owner) and the portal's admins; its other
/// agents are told no.
const TEAM_MANAGE: [Want; 13] = [
    Login, Done, Forbidden, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound,
    Done, Forbidden, NotFound,
];

fn rows() -> Vec<Row> {
    use Fixture::*;
    let row = |method, path, fixture, want| Row {
        method,
        path,
        fixture,
        want,
    };
    vec![
        row("get", "/", Nothing, ALL_OK),
        row("get", "/healthz", Nothing, ALL_OK),
        row("get", "/readyz", Nothing, ALL_OK),
        // Served only with HABILIS_METRICS_TOKEN set (tests/api/operations.rs sets it).
        row("get", "/metrics", Nothing, [NotFound; 13]),
        row("get", "/static/{path:.*}", Nothing, ALL_OK),
        // Public, like the home page that shows it; the shipped providers have no logo, so every
        // actor gets the 404 (tests/api/logos.rs serves one, to a visitor).
        row(
            "get",
            "/fournisseurs/{provider}/logo",
            Nothing,
            [NotFound; 13],
        ),
        row("get", "/connexion", Nothing, ALL_OK),
        row("post", "/connexion/demo", Nothing, [Done; 13]),
        row("post", "/deconnexion", Nothing, [Done; 13]),
        row("get", "/demandes", Nothing, SIGNED_IN_OK),
        row(
            "post",
            "/demandes",
            Nothing,
            [
                Login, Done, Done, Done, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
                Forbidden, Forbidden, Done, Done,
            ],
        ),
        row(
            "get",
            "/demandes/nouvelle/{provider}",
            Nothing,
            [
                Login, Ok, Ok, Ok, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
                Forbidden, Forbidden, Ok, Ok,
            ],
        ),
        row("get", "/demandes/{id}", Draft, ORG_READ),
        row("get", "/demandes/{id}/etapes/{step}", Draft, OWNER_PAGE),
        row("post", "/demandes/{id}/etapes/{step}", Draft, OWNER_EDIT),
        row("get", "/demandes/{id}/resume", Draft, OWNER_PAGE),
        // Whoever reads the demande, on either side; subscribers read summaries, not files.
        row(
            "get",
            "/demandes/{id}/pieces-jointes/{piece}",
            Attachment,
            [
                Login, Ok, Ok, NotFound, NotFound, Ok, NotFound, Ok, NotFound, Ok, Ok, Ok, NotFound,
            ],
        ),
        row(
            "post",
            "/demandes/{id}/soumettre",
            CompleteDraft,
            OWNER_EDIT,
        ),
        row("post", "/demandes/{id}/archiver", Draft, OWNER_EDIT),
        row(
            "post",
            "/demandes/{id}/restaurer",
            ArchivedDraft,
            OWNER_EDIT,
        ),
        row(
            "get",
            "/instruction",
            Nothing,
            [
                Login, Forbidden, Forbidden, Forbidden, Forbidden, Ok, Ok, Ok, Ok, Ok, Ok, Ok,
                Forbidden,
            ],
        ),
        row(
            "get",
            "/instruction/export.csv",
            Nothing,
            [
                Login, Forbidden, Forbidden, Forbidden, Forbidden, Ok, Ok, Ok, Ok, Ok, Ok, Ok,
                Forbidden,
            ],
        ),
        row(
            "get",
            "/instruction/habilitations",
            Nothing,
            [
                Login, Forbidden, Forbidden, Forbidden, Forbidden, Ok, Ok, Ok, Ok, Ok, Ok, Ok,
                Forbidden,
            ],
        ),
        row(
            "get",
            "/instruction/demandes/{id}",
            Submitted,
            INSTRUCTION_READ,
        ),
        row("get", "/abonnement/demandes/{id}", Submitted, SUMMARY_READ),
        row(
            "post",
            "/instruction/demandes/{id}/valider",
            Submitted,
            DECIDE,
        ),
        row(
            "post",
            "/instruction/demandes/{id}/refuser",
            Submitted,
            DECIDE,
        ),
        row(
            "post",
            "/instruction/demandes/{id}/demander-modifications",
            Submitted,
            DECIDE,
        ),
        row(
            "post",
            "/instruction/demandes/{id}/archiver",
            Refused,
            DECIDE,
        ),
        row(
            "post",
            "/instruction/demandes/{id}/revoquer",
            Validated,
            DECIDE,
        ),
        row(
            "post",
            "/instruction/demandes/{id}/messages",
            Submitted,
            DECIDE,
        ),
        // The applicant's email before a decision: its instructors, who may decide.
        row(
            "post",
            "/instruction/demandes/{id}/apercu",
            Submitted,
            [
                Login, NotFound, NotFound, NotFound, NotFound, Forbidden, NotFound, Ok, NotFound,
                Ok, Forbidden, Forbidden, NotFound,
            ],
        ),
        // The provider's managers (and admins) write to its holders: preview, then send.
        row("get", "/instruction/annonces", Nothing, MANAGERS_PAGE),
        row("post", "/instruction/annonces", Validated, MANAGERS_PAGE),
        row(
            "post",
            "/instruction/annonces/envoyer",
            Validated,
            MANAGE_ROLES,
        ),
        // The provider's managers (and admins) write templates; its instructors pick them.
        row("get", "/instruction/modeles", Nothing, MANAGERS_PAGE),
        row("post", "/instruction/modeles", Nothing, MANAGE_ROLES),
        row(
            "post",
            "/instruction/modeles/{id}/supprimer",
            MessageTemplate,
            [
                Login, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound, NotFound,
                NotFound, Done, Done, NotFound, NotFound,
            ],
        ),
        // Instructors of the provider ask; the person asked alone answers.
        row(
            "post",
            "/instruction/demandes/{id}/avis",
            OpinionTarget,
            DECIDE,
        ),
        row(
            "post",
            "/instruction/demandes/{id}/avis/{avis}/repondre",
            OpinionAsked,
            [
                Login, NotFound, NotFound, NotFound, NotFound, Done, NotFound, Forbidden, NotFound,
                Forbidden, Forbidden, Forbidden, NotFound,
            ],
        ),
        // The provider's instructors withdraw an opinion nobody answered (not the person asked).
        row(
            "post",
            "/instruction/demandes/{id}/avis/{avis}/retirer",
            OpinionAsked,
            [
                Login, NotFound, NotFound, NotFound, NotFound, Forbidden, NotFound, Done, NotFound,
                Done, Forbidden, Forbidden, NotFound,
            ],
        ),
        // Instructors of the provider, and admins (a reporter or an instructor of the
        // applicant organisation may not).
        row(
            "post",
            "/instruction/demandes/{id}/transferer",
            Submitted,
            [
                Login, NotFound, NotFound, NotFound, NotFound, Forbidden, NotFound, Done, NotFound,
                Done, Done, Forbidden, NotFound,
            ],
        ),
        // Instructors (and admins) act on several demandes; a demande they may not assign is
        // said on the page (200), one they assigned from its page lands back on it (303).
        row(
            "post",
            "/instruction/lot",
            Submitted,
            [
                Login, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Done, Ok,
                Done, Ok, Ok, Forbidden,
            ],
        ),
        // Admins only move a demande to another organisation (a merger).
        row(
            "post",
            "/instruction/demandes/{id}/rattacher",
            Submitted,
            [
                Login, NotFound, NotFound, NotFound, NotFound, Forbidden, NotFound, Forbidden,
                NotFound, Forbidden, Done, Forbidden, NotFound,
            ],
        ),
        // One habilitation: read by the provider's people; extended or revoked by its
        // instructors only (the applicant's side sees its habilitations on the demande).
        row(
            "get",
            "/instruction/habilitations/{id}",
            Granted,
            INSTRUCTION_READ,
        ),
        row(
            "post",
            "/instruction/habilitations/{id}/prolonger",
            Granted,
            DECIDE,
        ),
        row(
            "post",
            "/instruction/habilitations/{id}/revoquer",
            Granted,
            DECIDE,
        ),
        // Instructors of a provider prepare drafts for an organisation (not their own)...
        row(
            "get",
            "/instruction/brouillons",
            Nothing,
            [
                Login, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Ok, Ok,
                Ok, Forbidden, Ok, Forbidden,
            ],
        ),
        row(
            "post",
            "/instruction/brouillons",
            Nothing,
            [
                Login, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Done,
                Forbidden, Done, Forbidden, Done, Forbidden,
            ],
        ),
        // ...which any agent of that organisation claims; its preparer may not, strangers see
        // nothing.
        row(
            "post",
            "/demandes/{id}/reprendre",
            PreparedDraft,
            [
                Login, Done, Done, NotFound, NotFound, NotFound, NotFound, Forbidden, NotFound,
                NotFound, NotFound, Done, NotFound,
            ],
        ),
        row("post", "/demandes/{id}/messages", Submitted, ORG_WRITE),
        row("post", "/demandes/{id}/copier", Submitted, ORG_WRITE),
        row("post", "/demandes/{id}/transferer", Draft, OWNER_EDIT),
        // Any agent of the organisation shares its habilitations; strangers see nothing.
        row("post", "/demandes/{id}/partages", Validated, ORG_WRITE),
        row("post", "/demandes/{id}/partages/retirer", Shared, ORG_WRITE),
        row("get", "/equipes", Nothing, TEAMS_PAGE),
        row("get", "/admin/risques", Nothing, ADMIN_ONLY_PAGE),
        row("get", "/admin/comptes", Nothing, ADMIN_ONLY_PAGE),
        row("get", "/revue-des-acces", Nothing, MANAGERS_PAGE),
        row(
            "post",
            "/revue-des-acces/{id}/confirmer",
            ReviewItem,
            MANAGE_ROLES,
        ),
        row(
            "post",
            "/revue-des-acces/{id}/retirer",
            ReviewItem,
            MANAGE_ROLES,
        ),
        row("get", "/accessibilite", Nothing, ALL_OK),
        row("get", "/mentions-legales", Nothing, ALL_OK),
        row("get", "/donnees-personnelles", Nothing, ALL_OK),
        row("get", "/aide", Nothing, ALL_OK),
        row("get", "/stats", Nothing, ALL_OK),
        row("get", "/stats.csv", Nothing, ALL_OK),
        row(
            "post",
            "/admin/comptes/{id}/reactiver",
            DisabledAccount,
            ADMIN_ONLY_ACTION,
        ),
        row(
            "post",
            "/admin/comptes/bloquer",
            Membership,
            ADMIN_ONLY_ACTION,
        ),
        row(
            "post",
            "/admin/comptes/{id}/debloquer",
            BannedAccount,
            ADMIN_ONLY_ACTION,
        ),
        // Each cell signs in afresh: a view started in one session touches no other row.
        row("post", "/admin/voir-comme", Membership, ADMIN_ONLY_ACTION),
        // Ends the view of one's own session, if any: anyone signed in.
        row(
            "post",
            "/admin/voir-comme/fin",
            Nothing,
            [
                Login, Done, Done, Done, Done, Done, Done, Done, Done, Done, Done, Done, Done,
            ],
        ),
        // Open data, for anyone; API Particulier does not publish its list (tests/api/transparency.rs
        // reads the biodiversity provider's).
        row("get", "/habilitations-publiques", Nothing, ALL_OK),
        row(
            "get",
            "/habilitations-publiques/{provider}",
            Nothing,
            [NotFound; 13],
        ),
        row(
            "get",
            "/habilitations-publiques/{provider}/donnees.json",
            Nothing,
            [NotFound; 13],
        ),
        row(
            "get",
            "/habilitations-publiques/{provider}/donnees.csv",
            Nothing,
            [NotFound; 13],
        ),
        row("post", "/equipes", Nothing, TEAMS_WRITE),
        row("get", "/equipes/{id}", Team, TEAM_READ),
        row("post", "/equipes/{id}/membres", Team, TEAM_MANAGE),
        row("post", "/equipes/{id}/membres/retirer", Team, TEAM_MANAGE),
        row(
            "get",
            "/admin/roles",
            Nothing,
            [
                Login, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
                Forbidden, Ok, Ok, Forbidden, Forbidden,
            ],
        ),
        row("post", "/admin/roles", Nothing, MANAGE_ROLES),
        row("get", "/admin/outbox", Nothing, ADMIN_ONLY_PAGE),
        row(
            "post",
            "/admin/outbox/{id}/relancer",
            DeadLetter,
            ADMIN_ONLY_ACTION,
        ),
        row("get", "/compte/notifications", Nothing, SIGNED_IN_OK),
        row(
            "post",
            "/compte/notifications",
            Nothing,
            [
                Login, Done, Done, Done, Done, Done, Done, Done, Done, Done, Done, Done, Done,
            ],
        ),
        row("get", "/desabonnement", Unsubscribe, ALL_OK),
        row("post", "/desabonnement", Unsubscribe, ALL_OK),
        row("get", "/dev/emails", Nothing, ALL_OK),
        row("get", "/api/openapi.json", Nothing, ALL_OK),
        row(
            "get",
            "/instruction/webhooks",
            Nothing,
            [
                Login, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Ok, Ok,
                Ok, Forbidden, Ok, Forbidden,
            ],
        ),
        row(
            "post",
            "/instruction/webhooks/{id}/rejouer",
            WebhookDelivery,
            [
                Login, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden, Done,
                Forbidden, Done, Forbidden, Done, Forbidden,
            ],
        ),
        row("get", "/instruction/api", Nothing, MANAGERS_PAGE),
        row("post", "/instruction/api", Nothing, MANAGERS_PAGE),
        row(
            "post",
            "/instruction/api/{id}/revoquer",
            ApiToken,
            MANAGE_ROLES,
        ),
        row("get", "/developpeurs", Nothing, ALL_OK),
        row("get", "/api/v1/habilitations", Nothing, [Unauthorized; 13]),
        row(
            "get",
            "/api/v1/habilitations/{id}",
            Nothing,
            [Unauthorized; 13],
        ),
        row(
            "get",
            "/api/v1/demandes/{id}",
            Submitted,
            [Unauthorized; 13],
        ),
        row(
            "get",
            "/api/v1/organisations/{siret}/rights",
            Nothing,
            [Unauthorized; 13],
        ),
        row(
            "get",
            "/api/v1/agents/{agent}/rights",
            Nothing,
            [Unauthorized; 13],
        ),
        row(
            "post",
            "/demandes/{id}/mettre-a-jour",
            Validated,
            OWNER_EDIT,
        ),
        row(
            "post",
            "/demandes/{id}/annuler-mise-a-jour",
            Reopened,
            OWNER_EDIT,
        ),
        // The provider's next stage, started by the validated sandbox's applicant only.
        row(
            "post",
            "/demandes/{id}/etape-suivante",
            ValidatedSandbox,
            OWNER_EDIT,
        ),
        // No identity provider is configured here: both answer 404 (tests/api/oidc.rs signs in).
        row("get", "/connexion/proconnect", Nothing, [NotFound; 13]),
        row("get", "/connexion/retour", Nothing, [NotFound; 13]),
        row(
            "post",
            "/compte/organisation",
            OwnerOrganisation,
            [
                Login, Done, Done, Forbidden, Forbidden, Forbidden, Forbidden, Forbidden,
                Forbidden, Forbidden, Forbidden, Done, Forbidden,
            ],
        ),
        row("post", "/admin/roles/retirer", Role, MANAGE_ROLES),
        row("get", "/compte", Nothing, SIGNED_IN_OK),
        row(
            "post",
            "/compte/deconnexion-partout",
            Nothing,
            [
                Login, Done, Done, Done, Done, Done, Done, Done, Done, Done, Done, Done, Done,
            ],
        ),
        row("get", "/admin/membres", Nothing, ADMIN_ONLY_PAGE),
        row(
            "post",
            "/admin/membres/retirer",
            Membership,
            ADMIN_ONLY_ACTION,
        ),
    ]
}

/// A demande of the owner, in the state the row needs; returns its id.
async fn prepare(app: &TestApp, fixture: Fixture, cell: usize) -> Option<String> {
    let owner = || app.login_as("marie.dupont@mairie-lyon.fr");
    match fixture {
        Fixture::Nothing => None,
        Fixture::Draft => Some(owner().await.start_demande(PROVIDER, "").await.to_string()),
        Fixture::CompleteDraft => {
            Some(app.filled_draft(&owner().await, PROVIDER).await.to_string())
        }
        Fixture::WebhookDelivery => {
            let id = app.submitted_demande(&owner().await, PROVIDER).await;
            Some(app.webhook_delivery(id).to_string())
        }
        Fixture::Submitted => Some(
            app.submitted_demande(&owner().await, PROVIDER)
                .await
                .to_string(),
        ),
        Fixture::Refused => {
            let id = app
                .decided_demande(&owner().await, PROVIDER, "refuser", "Hors périmètre")
                .await;
            Some(id.to_string())
        }
        Fixture::Validated => Some(
            app.validated_demande(&owner().await, PROVIDER)
                .await
                .to_string(),
        ),
        Fixture::Reopened => {
            let owner = owner().await;
            let id = app.validated_demande(&owner, PROVIDER).await;
            let csrf = owner.get(&format!("/demandes/{id}")).await.csrf();
            let reopened = owner
                .post(
                    &format!("/demandes/{id}/mettre-a-jour"),
                    &[("_csrf", &csrf)],
                )
                .await;
            assert_eq!(reopened.status, StatusCode::SEE_OTHER);
            Some(id.to_string())
        }
        Fixture::DeadLetter => Some(app.dead_letter().to_string()),
        Fixture::ApiToken => Some(app.api_token(PROVIDER, "SI de test").await.0.to_string()),
        Fixture::OwnerOrganisation => Some(app.organisation_id(OWNER_SIRET).to_string()),
        Fixture::Unsubscribe => {
            let id = app.submitted_demande(&owner().await, PROVIDER).await;
            let rows = app.outbox();
            let url = rows
                .iter()
                .rev()
                .find_map(|r| r.unsubscribe_url.clone())
                .unwrap_or_else(|| panic!("an unsubscribe link after D{id}"));
            Some(url.split_once('?').unwrap().1.to_string())
        }
        Fixture::Membership => {
            let email = format!("membre.{cell}@mairie-lyon.fr");
            app.add_member(&email, OWNER_SIRET);
            Some(email)
        }
        Fixture::ReviewItem => {
            use diesel::{ExpressionMethods, RunQueryDsl};
            use habilis::db::schema::access_review_items as items;
            let mut conn = app.conn();
            let now = habilis::services::now();
            // The campaign first: the role granted after it is added to it by hand.
            let review = match habilis::db::access_reviews::open(&mut conn).unwrap() {
                Some(r) => r.id,
                None => habilis::db::access_reviews::start(
                    &mut conn,
                    now,
                    now + chrono::Duration::days(30),
                    "test",
                )
                .unwrap()
                .unwrap(),
            };
            let email = format!("revu.{cell}@api-particulier.example");
            app.grant_role(&email, PROVIDER, "reporter");
            let user = habilis::db::users::find_by_email(&mut conn, &email)
                .unwrap()
                .unwrap();
            let id: i64 = diesel::insert_into(items::table)
                .values((
                    items::review_id.eq(review),
                    items::user_id.eq(user.id),
                    items::provider.eq(PROVIDER),
                    items::role.eq("reporter"),
                ))
                .returning(items::id)
                .get_result(&mut conn)
                .unwrap();
            Some(id.to_string())
        }
        Fixture::DisabledAccount => {
            let email = format!("inactif.{cell}@mairie-lyon.fr");
            app.add_member(&email, OWNER_SIRET);
            let mut conn = app.conn();
            let user = habilis::db::users::find_by_email(&mut conn, &email)
                .unwrap()
                .unwrap();
            let now = habilis::services::now();
            assert!(habilis::db::lapse::mark_warned(&mut conn, user.id, None, now).unwrap());
            assert!(habilis::db::lapse::disable(&mut conn, user.id, now, now).unwrap());
            Some(user.id.to_string())
        }
        Fixture::OpinionTarget | Fixture::OpinionAsked => {
            let id = app.submitted_demande(&owner().await, PROVIDER).await;
            let mut conn = app.conn();
            let user = |conn: &mut habilis::db::DbConnection, email: &str| {
                habilis::db::users::find_by_email(conn, email)
                    .unwrap()
                    .unwrap()
                    .id
            };
            let reporter = user(&mut conn, "rapport@api-particulier.example");
            if fixture == Fixture::OpinionTarget {
                return Some(format!("{id}:{reporter}"));
            }
            let instructor = user(&mut conn, "instruction@api-particulier.example");
            let opinion = habilis::db::opinions::insert(
                &mut conn,
                id,
                (instructor, reporter),
                "Le cadre juridique suffit-il ?",
                habilis::services::now(),
            )
            .unwrap();
            Some(format!("{id}:{opinion}"))
        }
        Fixture::MessageTemplate => {
            let mut conn = app.conn();
            let manager =
                habilis::db::users::find_by_email(&mut conn, "gestion@api-particulier.example")
                    .unwrap()
                    .unwrap();
            habilis::db::message_templates::insert(
                &mut conn,
                (PROVIDER, "message"),
                (&format!("Modèle {cell}"), "Bonjour {{demandeur}}"),
                manager.id,
                habilis::services::now(),
            )
            .unwrap();
            let all =
                habilis::db::message_templates::of_providers(&mut conn, &[PROVIDER.to_string()])
                    .unwrap();
            let id = all
                .iter()
                .find(|t| t.title == format!("Modèle {cell}"))
                .unwrap()
                .id;
            Some(id.to_string())
        }
        Fixture::ArchivedDraft => {
            let owner = owner().await;
            let id = owner.start_demande(PROVIDER, "").await;
            let csrf = owner.get(&format!("/demandes/{id}")).await.csrf();
            let archived = owner
                .post(&format!("/demandes/{id}/archiver"), &[("_csrf", &csrf)])
                .await;
            assert_eq!(archived.status, StatusCode::SEE_OTHER);
            Some(id.to_string())
        }
        Fixture::BannedAccount => {
            let email = format!("bloque.{cell}@mairie-lyon.fr");
            app.add_member(&email, OWNER_SIRET);
            let mut conn = app.conn();
            let user = habilis::db::users::find_by_email(&mut conn, &email)
                .unwrap()
                .unwrap();
            let now = habilis::services::now();
            assert!(habilis::db::bans::ban(&mut conn, user.id, "Matrice", now).unwrap());
            Some(user.id.to_string())
        }
        Fixture::PreparedDraft => Some(
            app.prepared_draft(PROVIDER, OWNER_SIRET, "marie.dupont@mairie-lyon.fr")
                .await
                .to_string(),
        ),
        Fixture::Granted => {
            let id = app.validated_demande(&owner().await, PROVIDER).await;
            let granted = habilis::db::habilitations::for_demande(&mut app.conn(), id).unwrap();
            // Close to its end, so that an extension moves it.
            {
                use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
                use habilis::db::schema::habilitations;
                let end = habilis::services::now() + chrono::Duration::days(10);
                diesel::update(habilitations::table.filter(habilitations::id.eq(granted[0].id)))
                    .set(habilitations::expires_at.eq(end))
                    .execute(&mut app.conn())
                    .unwrap();
            }
            Some(granted[0].id.to_string())
        }
        Fixture::ValidatedSandbox => Some(
            app.validated_demande(&owner().await, "api-r2p")
                .await
                .to_string(),
        ),
        Fixture::Attachment => {
            let owner = owner().await;
            let id = app.filled_draft(&owner, PROVIDER).await;
            // The step's other answers go with the file, as a browser sends them.
            let legal = app.complete_answers(PROVIDER).remove(1);
            let pairs: Vec<(&str, &str)> = legal
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let sent = owner
                .send_files(
                    id,
                    2,
                    &pairs,
                    &[(
                        "cadre_juridique_document",
                        "deliberation.pdf",
                        crate::attachments::pdf("matrice"),
                    )],
                )
                .await;
            assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
            assert_eq!(owner.submit(id, true).await.status, StatusCode::SEE_OTHER);
            let page = owner.get(&format!("/demandes/{id}")).await;
            let piece = page
                .body
                .split(&format!("/demandes/{id}/pieces-jointes/"))
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .expect("a link to the file")
                .to_string();
            Some(format!("{id}:{piece}"))
        }
        Fixture::Shared => {
            let owner = owner().await;
            let id = app.validated_demande(&owner, PROVIDER).await;
            let csrf = owner.get(&format!("/demandes/{id}")).await.csrf();
            let shared = owner
                .post(
                    &format!("/demandes/{id}/partages"),
                    &[("_csrf", &csrf), ("email", "paul.martin@mairie-lyon.fr")],
                )
                .await;
            assert_eq!(shared.status, StatusCode::SEE_OTHER, "{}", shared.body);
            let page = owner.get(&format!("/demandes/{id}")).await;
            let share = page
                .body
                .split(r#"name="partage" value=""#)
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .expect("a share to remove")
                .to_string();
            Some(format!("{id}:{share}"))
        }
        Fixture::Team => {
            let owner = owner().await;
            let csrf = owner.get("/equipes").await.csrf();
            let name = format!("Équipe {cell}");
            let made = owner
                .post("/equipes", &[("_csrf", &csrf), ("name", &name)])
                .await;
            assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
            let path = made.location.unwrap();
            let added = owner
                .post(
                    &format!("{path}/membres"),
                    &[("_csrf", &csrf), ("email", "paul.martin@mairie-lyon.fr")],
                )
                .await;
            assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
            Some(path.trim_start_matches("/equipes/").to_string())
        }
        Fixture::Role => {
            let email = format!("matrice.{cell}@exemple.fr");
            app.grant_role(&email, PROVIDER, "reporter");
            Some(email)
        }
    }
}

/// The form a POST of this route sends (the CSRF token is added by the caller).
fn body(
    path: &str,
    fixture_value: Option<&str>,
    cell: usize,
    user_id: &str,
    owner_organisation: i64,
) -> Vec<(String, String)> {
    let pairs: Vec<(&str, String)> = match path {
        "/connexion/demo" => vec![("user_id", user_id.to_string())],
        "/demandes" => vec![("provider", PROVIDER.to_string())],
        "/demandes/{id}/etapes/{step}" => vec![("intitule", "Matrice d'accès".to_string())],
        "/demandes/{id}/soumettre" => vec![("cgu", "oui".to_string())],
        "/admin/roles" => vec![
            ("email", format!("nouveau.{cell}@exemple.fr")),
            ("provider", PROVIDER.to_string()),
            ("role", "reporter".to_string()),
        ],
        "/admin/roles/retirer" => vec![
            ("email", fixture_value.unwrap_or_default().to_string()),
            ("provider", PROVIDER.to_string()),
            ("role", "reporter".to_string()),
        ],
        "/demandes/{id}/messages" | "/instruction/demandes/{id}/messages" => {
            vec![("body", "Bonjour, une question sur la demande.".to_string())]
        }
        "/demandes/{id}/transferer" | "/demandes/{id}/partages" => {
            vec![("email", "paul.martin@mairie-lyon.fr".to_string())]
        }
        "/demandes/{id}/partages/retirer" => vec![(
            "partage",
            fixture_value
                .and_then(|v| v.split_once(':'))
                .map(|(_, share)| share.to_string())
                .unwrap_or_default(),
        )],
        "/equipes" => vec![("name", format!("Équipe de la cellule {cell}"))],
        "/equipes/{id}/membres" => vec![("email", "luc.bernard@mairie-lyon.fr".to_string())],
        "/equipes/{id}/membres/retirer" => {
            vec![("email", "paul.martin@mairie-lyon.fr".to_string())]
        }
        "/instruction/api" => vec![
            ("provider", PROVIDER.to_string()),
            ("name", "SI de la matrice".to_string()),
            ("scopes", "habilitations:read".to_string()),
        ],
        "/admin/comptes/bloquer" | "/admin/voir-comme" => vec![
            ("email", fixture_value.unwrap_or_default().to_string()),
            ("motif", "Compte de la matrice d'accès".to_string()),
        ],
        "/admin/membres/retirer" => vec![
            ("email", fixture_value.unwrap_or_default().to_string()),
            ("organisation_id", owner_organisation.to_string()),
        ],
        "/compte/organisation" => vec![(
            "organisation_id",
            fixture_value.unwrap_or_default().to_string(),
        )],
        "/instruction/demandes/{id}/apercu" => vec![
            ("decision", "modifier".to_string()),
            ("reason", "Précisez le cadre juridique.".to_string()),
        ],
        "/instruction/annonces" | "/instruction/annonces/envoyer" => vec![
            ("provider", PROVIDER.to_string()),
            ("subject", format!("Nouvelle version {cell}")),
            (
                "body",
                "La version 3 de l'API arrive le 1er mars.".to_string(),
            ),
            ("jeton", format!("jeton-de-la-matrice-{cell}")),
        ],
        "/instruction/modeles" => vec![
            ("provider", PROVIDER.to_string()),
            ("kind", "refuse".to_string()),
            ("title", format!("Refus {cell}")),
            (
                "body",
                "Bonjour {{demandeur}}, la demande {{numero}} est hors périmètre.".to_string(),
            ),
        ],
        "/instruction/demandes/{id}/avis" => vec![
            (
                "a",
                fixture_value
                    .and_then(|v| v.split_once(':'))
                    .map(|(_, user)| user.to_string())
                    .unwrap_or_default(),
            ),
            ("texte", "Le cadre juridique suffit-il ?".to_string()),
        ],
        "/instruction/demandes/{id}/avis/{avis}/repondre" => {
            vec![("texte", "Oui, la délibération suffit.".to_string())]
        }
        "/instruction/demandes/{id}/rattacher" => vec![
            ("siret", GRENOBLE_SIRET.to_string()),
            ("email", "jeanne.roux@grenoble.fr".to_string()),
            ("motif", "Fusion des communes.".to_string()),
        ],
        "/instruction/habilitations/{id}/prolonger" => vec![("mois", "36".to_string())],
        "/instruction/habilitations/{id}/revoquer" => {
            vec![("motif", "Convention dénoncée.".to_string())]
        }
        "/instruction/brouillons" => vec![
            ("formulaire", format!("{PROVIDER}:")),
            ("siret", GRENOBLE_SIRET.to_string()),
            ("email", "jeanne.roux@grenoble.fr".to_string()),
            ("intitule", "Matrice d'accès".to_string()),
        ],
        "/instruction/lot" => vec![
            ("ids", fixture_value.unwrap_or_default().to_string()),
            ("depuis", fixture_value.unwrap_or_default().to_string()),
            ("action", "assigner".to_string()),
            ("instructeur", "moi".to_string()),
        ],
        "/instruction/demandes/{id}/transferer" => vec![
            ("email", "paul.martin@mairie-lyon.fr".to_string()),
            ("motif", "Le demandeur a quitté la mairie.".to_string()),
        ],
        p if p.starts_with("/instruction/demandes/") => {
            vec![("reason", "Motif de la matrice".to_string())]
        }
        _ => vec![],
    };
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

impl Row {
    /// Whether the request changes its actor everywhere: ends all their sessions, or switches
    /// their notifications.
    fn changes_people_everywhere(&self) -> bool {
        self.method == "post"
            && matches!(
                self.path,
                "/compte/deconnexion-partout" | "/compte/notifications"
            )
    }
}

/// What checking a row found: its index, how many cells were checked, the wrong ones.
type RowResult = (usize, usize, Vec<String>);

/// Checks one row for every actor, in turn.
async fn check_row(app: &TestApp, index: usize, row: &Row, owner_org: i64) -> RowResult {
    let first_cell = index * ACTORS.len();
    let shared = if row.method == "get" {
        prepare(app, row.fixture, first_cell).await
    } else {
        None
    };
    let mut checked = 0;
    let mut failures = Vec::new();
    for (i, (actor, email)) in ACTORS.iter().enumerate() {
        let cell = first_cell + i;
        let value = if row.method == "get" {
            shared.clone()
        } else {
            prepare(app, row.fixture, cell).await
        };
        let (id, piece) = match value.as_deref().map(|v| v.split_once(':')) {
            Some(Some((id, piece)))
                if matches!(
                    row.fixture,
                    Fixture::Attachment
                        | Fixture::Shared
                        | Fixture::OpinionTarget
                        | Fixture::OpinionAsked
                ) =>
            {
                (id, piece)
            }
            _ => (value.as_deref().unwrap_or("0"), "0"),
        };
        let mut path = row
            .path
            .replace("{id}", id)
            .replace("{piece}", piece)
            .replace("{avis}", piece)
            .replace("{step}", "1")
            .replace("{provider}", PROVIDER)
            .replace("{siret}", OWNER_SIRET)
            .replace("{agent}", "paul.martin@mairie-lyon.fr")
            .replace("{path:.*}", "dsfr/dsfr.min.css");
        if let (Fixture::Unsubscribe, Some(query)) = (row.fixture, &value) {
            path = format!("{path}?{query}");
        }
        let browser = match email {
            Some(email) => app.login_as(email).await,
            None => app.browser(),
        };
        let searched = email.unwrap_or("marie.dupont@mairie-lyon.fr");
        let login_page = browser
            .get(&crate::helpers::demo_login_path(searched))
            .await;
        let page = if row.method == "get" {
            browser.get(&path).await
        } else {
            let user_id = crate::helpers::demo_user_id(&login_page, searched);
            let mut pairs = body(row.path, value.as_deref(), cell, &user_id, owner_org);
            pairs.push(("_csrf".to_string(), login_page.csrf()));
            let pairs: Vec<(&str, &str)> = pairs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            browser.post(&path, &pairs).await
        };
        if !row.want[i].matches(page.status, page.location.as_deref()) {
            failures.push(format!(
                "{} {} as {actor}: expected {:?}, got {} {:?}",
                row.method.to_uppercase(),
                row.path,
                row.want[i],
                page.status,
                page.location
            ));
        }
        checked += 1;
    }
    (index, checked, failures)
}

#[tokio::test]
async fn every_route_for_every_actor() {
    let app = spawn_app().await;
    let rows = rows();
    let owner_org = app.organisation_id(OWNER_SIRET);
    app.grant_role(SELF_INSTRUCTOR, PROVIDER, "instructor");
    app.add_member(SELF_INSTRUCTOR, OWNER_SIRET);
    app.add_member(LAPSED_MEMBER, OWNER_SIRET);
    app.add_member(LAPSED_MEMBER, GRENOBLE_SIRET);
    app.lapse_member(LAPSED_MEMBER, OWNER_SIRET);

    // The table and the app's routes are the same list.
    let routes: Vec<(&str, &str)> = habilis::web::ROUTES.to_vec();
    for (method, path) in &routes {
        assert!(
            rows.iter().any(|r| r.method == *method && r.path == *path),
            "no row for {method} {path}"
        );
    }
    for r in &rows {
        assert!(
            routes.contains(&(r.method, r.path)),
            "row for a route that does not exist: {} {}",
            r.method,
            r.path
        );
    }

    // Rows run side by side; within a row, its actors take turns. Rows that change a person
    // everywhere (all their sessions, all their notifications) would disturb the rows beside
    // them: they run last, one at a time.
    let (everywhere, apart): (Vec<_>, Vec<_>) = rows
        .iter()
        .enumerate()
        .partition(|(_, row)| row.changes_people_everywhere());
    let mut results: Vec<RowResult> = futures_util::stream::iter(apart)
        .map(|(index, row)| check_row(&app, index, row, owner_org))
        .buffer_unordered(8)
        .collect()
        .await;
    for (index, row) in everywhere {
        results.push(check_row(&app, index, row, owner_org).await);
    }
    results.sort_by_key(|(index, _, _)| *index);
    let checked: usize = results.iter().map(|(_, n, _)| n).sum();
    let failures: Vec<String> = results.into_iter().flat_map(|(_, _, f)| f).collect();
    println!(
        "access matrix: {checked} cells checked ({} routes x {} actor kinds)",
        rows.len(),
        ACTORS.len()
    );
    assert!(
        failures.is_empty(),
        "{} cell(s) wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(checked, routes.len() * ACTORS.len());
}
