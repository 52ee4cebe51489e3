//! What happened to the seeded demandes, written by the database from the rows themselves
//! (one INSERT ... SELECT each, fast at a million rows): the timeline events that lead to
//! each demande's state, threads of messages on about 30% of the submitted ones, and who
//! read them.

use diesel::prelude::*;

use crate::db::DbConnection;

/// What the statements need: the first id not seeded before, and who instructs each provider.
pub struct Seeded<'a> {
    /// The ids of the demandes to write for: `[from, until)`.
    pub ids: (i64, i64),
    /// (provider slug, user id of its instructor).
    pub instructors: &'a [(String, i64)],
}

/// Counts of what was written.
#[derive(Debug, Default, Clone, Copy)]
pub struct Activity {
    pub events: usize,
    pub messages: usize,
    pub reads: usize,
}

impl std::ops::Add for Activity {
    type Output = Activity;
    fn add(self, other: Activity) -> Activity {
        Activity {
            events: self.events + other.events,
            messages: self.messages + other.messages,
            reads: self.reads + other.reads,
        }
    }
}

/// `expr` moved later by `shift` (`2 hours`, `1 day`), in the backend's dialect.
fn later(conn: &DbConnection, expr: &str, shift: &str) -> String {
    match conn {
        DbConnection::Postgresql(_) => format!("({expr} + interval '{shift}')"),
        DbConnection::Sqlite(_) => format!("strftime('%Y-%m-%d %H:%M:%f', {expr}, '+{shift}')"),
    }
}

/// The instructor of the demande's provider, as an SQL expression on `d`.
fn instructor(seeded: &Seeded<'_>) -> String {
    let mut sql = String::from("CASE d.provider");
    for (slug, id) in seeded.instructors {
        sql.push_str(&format!(" WHEN '{}' THEN {id}", slug.replace('\'', "''")));
    }
    sql.push_str(" END");
    sql
}

/// One of a few texts, chosen by the demande's id.
fn one_of(texts: &[&str]) -> String {
    let mut sql = format!("CASE d.id % {}", texts.len());
    for (i, text) in texts.iter().enumerate() {
        sql.push_str(&format!(" WHEN {i} THEN '{}'", text.replace('\'', "''")));
    }
    sql.push_str(" END");
    sql
}

const CHANGES: [&str; 3] = [
    "Merci de préciser le texte qui vous autorise à traiter ces données.",
    "La durée de conservation dépasse ce que justifie la démarche : merci de la réduire.",
    "Les données demandées dépassent le besoin décrit ; retirez celles qui ne servent pas.",
];
const REFUSALS: [&str; 2] = [
    "Le cadre juridique cité ne permet pas l'accès à ces données.",
    "Votre organisation n'est pas éligible à ce service.",
];
const ASKED: [&str; 4] = [
    "Bonjour, notre mise en production est prévue dans un mois : pouvez-vous nous dire où en est l'instruction ?",
    "Bonjour, nous avons joint la délibération du conseil municipal. Faut-il autre chose ?",
    "Bonjour, l'éditeur de notre logiciel demande le jeton pour ses tests. Merci !",
    "Bonjour, le contact technique a changé : c'est désormais notre prestataire qui suivra le dossier.",
];
const ANSWERED: [&str; 4] = [
    "Bonjour, la demande est en cours d'instruction ; nous revenons vers vous cette semaine.",
    "Bonjour, merci pour ce document, il complète bien le dossier.",
    "Bonjour, le jeton sera transmis après validation, au contact technique.",
    "Bonjour, c'est noté : pensez à mettre à jour le contact dans le formulaire.",
];
const FOLLOW_UPS: [&str; 2] = [
    "Merci beaucoup pour votre retour rapide.",
    "Entendu, nous mettons le formulaire à jour aujourd'hui.",
];

/// Writes the events, messages and reads of the demandes in `seeded.ids`.
pub fn write(conn: &mut DbConnection, seeded: &Seeded<'_>) -> QueryResult<Activity> {
    let (from, until) = seeded.ids;
    let who = instructor(seeded);
    // The few columns the statements read, copied once into a narrow temporary table: each
    // statement then scans it rather than the demandes themselves, whose rows carry their
    // answers (at a million demandes, 70 MB against 1.4 GB, nine times).
    diesel::sql_query("DROP TABLE IF EXISTS seeded_demandes").execute(conn)?;
    diesel::sql_query(format!(
        "CREATE TEMPORARY TABLE seeded_demandes AS \
         SELECT id, applicant_id, provider, state, created_at, updated_at, last_submitted_at \
           FROM demandes WHERE id >= {from} AND id < {until}"
    ))
    .execute(conn)?;
    diesel::sql_query("ANALYZE seeded_demandes").execute(conn)?;
    let seeded_rows = "FROM seeded_demandes d WHERE TRUE".to_string();
    let mut activity = Activity::default();

    // The timeline, in the order it happened (the page lists events by id).
    let events =
        "INSERT INTO events (demande_id, actor_id, name, from_state, to_state, reason, created_at)";
    let refused_at = later(conn, "d.last_submitted_at", "1 day");
    let statements = [
        format!(
            "{events} SELECT d.id, d.applicant_id, 'create', NULL, 'draft', NULL, d.created_at {seeded_rows}"
        ),
        format!(
            "{events} SELECT d.id, d.applicant_id, 'submit', 'draft', 'submitted', NULL, d.last_submitted_at \
             {seeded_rows} AND d.last_submitted_at IS NOT NULL"
        ),
        format!(
            "{events} SELECT d.id, {who}, \
             CASE d.state WHEN 'changes_requested' THEN 'request_changes' WHEN 'validated' THEN 'approve' ELSE 'refuse' END, \
             'submitted', CASE d.state WHEN 'archived' THEN 'refused' ELSE d.state END, \
             CASE d.state WHEN 'changes_requested' THEN {changes} WHEN 'validated' THEN NULL ELSE {refusals} END, \
             CASE d.state WHEN 'archived' THEN {refused_at} ELSE d.updated_at END \
             {seeded_rows} AND d.state IN ('changes_requested', 'validated', 'refused', 'archived')",
            changes = one_of(&CHANGES),
            refusals = one_of(&REFUSALS),
        ),
        format!(
            "{events} SELECT d.id, d.applicant_id, 'archive', 'refused', 'archived', NULL, d.updated_at \
             {seeded_rows} AND d.state = 'archived'"
        ),
    ];
    for sql in &statements {
        activity.events += diesel::sql_query(sql).execute(conn)?;
    }

    // Threads on three submitted demandes in ten: a question, the instructor's answer, and a
    // thanks on a third of them.
    let threads =
        format!("{seeded_rows} AND d.last_submitted_at IS NOT NULL AND d.id % 10 IN (1, 4, 7)");
    let messages =
        "INSERT INTO messages (demande_id, author_id, from_instructor, body, created_at)";
    let statements = [
        format!(
            "{messages} SELECT d.id, d.applicant_id, {f}, {body}, {at} {threads}",
            f = sql_bool(conn, false),
            body = one_of(&ASKED),
            at = later(conn, "d.last_submitted_at", "2 hours"),
        ),
        format!(
            "{messages} SELECT d.id, {who}, {t}, {body}, {at} {threads}",
            t = sql_bool(conn, true),
            body = one_of(&ANSWERED),
            at = later(conn, "d.last_submitted_at", "1 day"),
        ),
        format!(
            "{messages} SELECT d.id, d.applicant_id, {f}, {body}, {at} {threads} AND d.id % 10 = 7",
            f = sql_bool(conn, false),
            body = one_of(&FOLLOW_UPS),
            at = later(conn, "d.last_submitted_at", "2 days"),
        ),
    ];
    for sql in &statements {
        activity.messages += diesel::sql_query(sql).execute(conn)?;
    }

    // Applicants read the answer on two threads in three. Instructors read the first message
    // of two threads in three: one thread in three is unread, one read, one has a thanks
    // written after the instructor last read it.
    // Joined and grouped rather than one lookup per demande: the seed writes the messages
    // before their index is built.
    let reads = "INSERT INTO message_reads (user_id, demande_id, last_read_id)";
    let read = |reader: &str, last: &str, side: bool, which: &str| {
        format!(
            "{reads} SELECT {reader}, d.id, {last}(m.id) FROM seeded_demandes d \
             JOIN messages m ON m.demande_id = d.id AND m.from_instructor = {side} \
             WHERE d.last_submitted_at IS NOT NULL \
             AND d.id % 10 IN (1, 4, 7) AND {which} GROUP BY d.id, d.applicant_id, d.provider",
            side = sql_bool(conn, side),
        )
    };
    let statements = [
        read("d.applicant_id", "MAX", true, "d.id % 3 <> 0"),
        read(&who, "MIN", false, "d.id % 10 <> 1"),
    ];
    for sql in &statements {
        activity.reads += diesel::sql_query(sql).execute(conn)?;
    }
    diesel::sql_query("DROP TABLE seeded_demandes").execute(conn)?;
    Ok(activity)
}

fn sql_bool(conn: &DbConnection, value: bool) -> &'static str {
    match (conn, value) {
        (DbConnection::Postgresql(_), true) => "TRUE",
        (DbConnection::Postgresql(_), false) => "FALSE",
        (DbConnection::Sqlite(_), true) => "1",
        (DbConnection::Sqlite(_), false) => "0",
    }
}
