//! The outbox as tests see it: its rows, delivered when the test says so by the worker's own
//! pass (no background worker, nothing waited for), and rows put there by hand.

use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use habilis::db::outbox::OutboxRow;
use habilis::db::schema::outbox;

use super::TestApp;

impl TestApp {
    /// Every email of the outbox, oldest first.
    pub fn outbox(&self) -> Vec<OutboxRow> {
        let mut rows = habilis::db::outbox::recent_emails(&mut self.conn(), 10_000).unwrap();
        rows.reverse();
        rows
    }

    /// Runs the outbox worker, as the app's background worker would, until nothing is due:
    /// every email and webhook due now is tried once. Returns the outbox.
    pub async fn deliver(&self) -> Vec<OutboxRow> {
        self.deliver_at(habilis::services::now()).await
    }

    /// The same as if `at` had come: what waits for a retry before then is tried again, as
    /// often as it fails, up to the last attempt.
    pub async fn deliver_at(&self, at: chrono::NaiveDateTime) -> Vec<OutboxRow> {
        let names = self
            .catalog
            .all()
            .iter()
            .map(|p| (p.slug.clone(), p.name.clone()))
            .collect();
        let worker = habilis::outbox::worker(&self.settings(), self.db.clone(), names).unwrap();
        let idle = habilis::outbox::worker::Pass::default();
        while worker.run_once(at).await.unwrap() != idle {}
        self.outbox()
    }

    /// Delivers what waits for a retry, as a day later.
    pub async fn deliver_retries(&self) -> Vec<OutboxRow> {
        self.deliver_at(habilis::services::now() + chrono::Duration::days(1))
            .await
    }

    /// An email that gave up, as the worker leaves it; returns its outbox id.
    pub fn dead_letter(&self) -> i64 {
        let mut conn = self.conn();
        let now = habilis::services::now();
        let recipient = "perdu@exemple.fr";
        habilis::db::outbox::insert(
            &mut conn,
            &habilis::db::outbox::NewOutboxRow {
                kind: habilis::db::outbox::Kind::Email.into(),
                topic: "submitted",
                demande_id: None,
                recipient,
                subject: "Un courriel perdu",
                body_text: "texte",
                body_html: "<p>texte</p>",
                unsubscribe_url: None,
                attempts: 8,
                next_attempt_at: now + chrono::Duration::days(365),
                created_at: now,
                secret_env: None,
            },
        )
        .unwrap();
        // The newest row to that address: other rows may be written meanwhile.
        let id = outbox::table
            .filter(outbox::recipient.eq(recipient))
            .select(diesel::dsl::max(outbox::id))
            .first::<Option<i64>>(&mut conn)
            .unwrap()
            .unwrap();
        habilis::db::outbox::mark_failed(&mut conn, id, "550 5.1.1 Adresse inconnue", None, now)
            .unwrap();
        id
    }

    /// A webhook delivery of a demande, as the outbox holds one; returns its id.
    pub fn webhook_delivery(&self, demande_id: i64) -> i64 {
        let mut conn = self.conn();
        let now = habilis::services::now();
        habilis::db::outbox::insert(
            &mut conn,
            &habilis::db::outbox::NewOutboxRow {
                kind: habilis::db::outbox::Kind::Webhook.into(),
                topic: "submit",
                demande_id: Some(demande_id),
                recipient: "http://127.0.0.1:9/nulle-part",
                subject: "",
                body_text: "{}",
                body_html: "",
                unsubscribe_url: None,
                attempts: 0,
                next_attempt_at: now + chrono::Duration::days(365),
                created_at: now,
                secret_env: Some("HABILIS_WEBHOOK_SECRET_ABSENT"),
            },
        )
        .unwrap();
        outbox::table
            .filter(outbox::kind.eq(habilis::db::outbox::Kind::Webhook.as_ref()))
            .filter(outbox::demande_id.eq(demande_id))
            .select(diesel::dsl::max(outbox::id))
            .first::<Option<i64>>(&mut conn)
            .unwrap()
            .unwrap()
    }
}

/// The sorted recipients of the outbox rows of a topic.
pub fn recipients_of(rows: &[OutboxRow], topic: &str) -> Vec<String> {
    let mut list: Vec<String> = rows
        .iter()
        .filter(|r| r.topic == topic)
        .map(|r| r.recipient.clone())
        .collect();
    list.sort();
    list
}

/// The one outbox row of a topic to a recipient.
pub fn email_to<'a>(rows: &'a [OutboxRow], topic: &str, recipient: &str) -> &'a OutboxRow {
    let found: Vec<_> = rows
        .iter()
        .filter(|r| r.topic == topic && r.recipient == recipient)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one {topic} email to {recipient}: {rows:#?}"
    );
    found[0]
}
