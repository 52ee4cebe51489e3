//! Demandes. Every change of state is guarded in the UPDATE itself.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::models::{Demande, NewDemande};
use super::schema::demandes;

pub fn insert(conn: &mut DbConnection, new: &NewDemande) -> QueryResult<Demande> {
    diesel::insert_into(demandes::table)
        .values(new)
        .returning(demandes::all_columns)
        .get_result(conn)
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Demande>> {
    demandes::table
        .find(id)
        .select(Demande::as_select())
        .first(conn)
        .optional()
}

/// New answers, only if nobody changed the demande since it was read (`lock_version`)
/// and it is still editable. Returns the rows changed: 0 means someone else was first.
pub fn save_answers(
    conn: &mut DbConnection,
    demande: &Demande,
    answers: &str,
    scopes: &str,
    intitule: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        demandes::table
            .filter(demandes::id.eq(demande.id))
            .filter(demandes::lock_version.eq(demande.lock_version))
            .filter(demandes::state.eq(&demande.state)),
    )
    .set((
        demandes::answers.eq(answers),
        demandes::scopes.eq(scopes),
        demandes::intitule.eq(intitule),
        demandes::lock_version.eq(demande.lock_version + 1),
        demandes::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Moves the demande to `to` if it is still in the state and version it was read in.
/// Returns the rows changed: 0 means someone else acted first.
pub fn set_state(
    conn: &mut DbConnection,
    demande: &Demande,
    to: &str,
    reopening: bool,
    submitted: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let guarded = demandes::table
        .filter(demandes::id.eq(demande.id))
        .filter(demandes::state.eq(&demande.state))
        .filter(demandes::lock_version.eq(demande.lock_version));
    let common = (
        demandes::state.eq(to),
        demandes::reopening.eq(reopening),
        demandes::lock_version.eq(demande.lock_version + 1),
        demandes::updated_at.eq(now),
    );
    if submitted {
        diesel::update(guarded)
            .set((common, demandes::last_submitted_at.eq(Some(now))))
            .execute(conn)
    } else {
        diesel::update(guarded).set(common).execute(conn)
    }
}

/// Puts back answers (those of the active habilitation, when an update is abandoned).
pub fn restore_answers(
    conn: &mut DbConnection,
    id: i64,
    answers: &str,
    scopes: &str,
    intitule: &str,
) -> QueryResult<usize> {
    diesel::update(demandes::table.find(id))
        .set((
            demandes::answers.eq(answers),
            demandes::scopes.eq(scopes),
            demandes::intitule.eq(intitule),
        ))
        .execute(conn)
}

/// The demandes of some organisations, most recently changed first.
pub fn for_organisations(
    conn: &mut DbConnection,
    organisation_ids: &[i64],
    limit: i64,
) -> QueryResult<Vec<Demande>> {
    demandes::table
        .filter(demandes::organisation_id.eq_any(organisation_ids))
        .order((demandes::updated_at.desc(), demandes::id.desc()))
        .limit(limit)
        .select(Demande::as_select())
        .load(conn)
}

/// Gives the demande to another applicant, if nobody changed it since it was read.
pub fn transfer(
    conn: &mut DbConnection,
    demande: &Demande,
    applicant_id: i64,
    applicant_email: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        demandes::table
            .filter(demandes::id.eq(demande.id))
            .filter(demandes::lock_version.eq(demande.lock_version)),
    )
    .set((
        demandes::applicant_id.eq(applicant_id),
        demandes::applicant_email.eq(applicant_email),
        demandes::lock_version.eq(demande.lock_version + 1),
        demandes::updated_at.eq(now),
    ))
    .execute(conn)
}

/// Where a demande moves in a merger: the organisation and its agent who becomes applicant.
#[derive(Debug, Clone, Copy)]
pub struct NewHome<'a> {
    pub organisation: &'a super::models::Organisation,
    pub applicant_id: i64,
    pub applicant_email: &'a str,
}

/// Moves the demande to another organisation and applicant, if nobody changed it since it was
/// read, with its habilitations; the shares of those with agents or teams of the organisation
/// left behind end (they are not the new organisation's to give). Its assignment stays.
pub fn move_organisation(
    conn: &mut DbConnection,
    demande: &Demande,
    to: NewHome,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    use super::schema::{habilitation_shares, habilitations};
    let moved = diesel::update(
        demandes::table
            .filter(demandes::id.eq(demande.id))
            .filter(demandes::lock_version.eq(demande.lock_version)),
    )
    .set((
        demandes::organisation_id.eq(to.organisation.id),
        demandes::organisation_name.eq(&to.organisation.name),
        demandes::siret.eq(&to.organisation.siret),
        demandes::applicant_id.eq(to.applicant_id),
        demandes::applicant_email.eq(to.applicant_email),
        demandes::lock_version.eq(demande.lock_version + 1),
        demandes::updated_at.eq(now),
    ))
    .execute(conn)?;
    if moved != 1 {
        return Ok(moved);
    }
    let granted = habilitations::table
        .filter(habilitations::demande_id.eq(demande.id))
        .select(habilitations::id);
    diesel::delete(
        habilitation_shares::table.filter(habilitation_shares::habilitation_id.eq_any(granted)),
    )
    .execute(conn)?;
    diesel::update(habilitations::table.filter(habilitations::demande_id.eq(demande.id)))
        .set(habilitations::organisation_id.eq(to.organisation.id))
        .execute(conn)?;
    Ok(moved)
}

/// Gives one active habilitation of the demande a new end, if nobody changed the demande since
/// it was read (the guard is the demande's row: its lock version moves on).
pub fn renew(
    conn: &mut DbConnection,
    demande: &Demande,
    habilitation_id: i64,
    until: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    use super::schema::habilitations;
    // The demande's row first (the guard), and only if the habilitation is still active: a
    // write that stops halfway would leave the lock version moved for nothing.
    let still_active = diesel::select(diesel::dsl::exists(
        habilitations::table
            .filter(habilitations::id.eq(habilitation_id))
            .filter(habilitations::demande_id.eq(demande.id))
            .filter(habilitations::state.eq(crate::domain::habilitation::Stored::Active.as_str())),
    ))
    .get_result::<bool>(conn)?;
    if !still_active {
        return Ok(0);
    }
    let guarded = diesel::update(
        demandes::table
            .filter(demandes::id.eq(demande.id))
            .filter(demandes::lock_version.eq(demande.lock_version)),
    )
    .set((
        demandes::lock_version.eq(demande.lock_version + 1),
        demandes::updated_at.eq(now),
    ))
    .execute(conn)?;
    if guarded != 1 {
        return Ok(guarded);
    }
    diesel::update(habilitations::table.filter(habilitations::id.eq(habilitation_id)))
        .set(habilitations::expires_at.eq(until))
        .execute(conn)
}

/// A prepared draft of the demande no agent claimed yet: its applicant is the instructor who
/// prepared it, whom idle reminders and archiving are not for.
fn unclaimed() -> diesel::dsl::Filter<
    diesel::dsl::Filter<
        super::schema::prepared_drafts::table,
        diesel::dsl::Eq<super::schema::prepared_drafts::demande_id, demandes::id>,
    >,
    diesel::dsl::IsNull<super::schema::prepared_drafts::claimed_at>,
> {
    use super::schema::prepared_drafts;
    prepared_drafts::table
        .filter(prepared_drafts::demande_id.eq(demandes::id))
        .filter(prepared_drafts::claimed_at.is_null())
}

/// Demandes in a state, not changed since `before` (for reminders).
pub fn idle(
    conn: &mut DbConnection,
    state: &str,
    reminder: &str,
    before: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Demande>> {
    use super::schema::events;
    // Not those already reminded since their last change: past the first page, none is starved.
    let reminded = events::table
        .filter(events::demande_id.eq(demandes::id))
        .filter(events::name.eq(reminder.to_string()))
        .filter(events::created_at.ge(demandes::updated_at));
    demandes::table
        .filter(demandes::state.eq(state))
        .filter(demandes::updated_at.le(before))
        .filter(diesel::dsl::not(diesel::dsl::exists(reminded)))
        .filter(diesel::dsl::not(diesel::dsl::exists(unclaimed())))
        .order(demandes::id)
        .limit(limit)
        .select(Demande::as_select())
        .load(conn)
}

/// Demandes in `state` untouched since `before` whose idle reminder was sent since their last
/// change: the portal archives them. Updates of validated demandes are never among them.
pub fn unattended(
    conn: &mut DbConnection,
    state: &str,
    reminder: &str,
    before: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<Demande>> {
    use super::schema::events;
    let reminded = events::table
        .filter(events::demande_id.eq(demandes::id))
        .filter(events::name.eq(reminder.to_string()))
        .filter(events::created_at.ge(demandes::updated_at));
    demandes::table
        .filter(demandes::state.eq(state))
        .filter(demandes::reopening.eq(false))
        .filter(demandes::updated_at.le(before))
        .filter(diesel::dsl::exists(reminded))
        .filter(diesel::dsl::not(diesel::dsl::exists(unclaimed())))
        .order(demandes::id)
        .limit(limit)
        .select(Demande::as_select())
        .load(conn)
}

/// The demandes that follow this one at a next stage, oldest first.
pub fn following(conn: &mut DbConnection, id: i64) -> QueryResult<Vec<Demande>> {
    demandes::table
        .filter(demandes::previous_id.eq(id))
        .order(demandes::id.asc())
        .select(Demande::as_select())
        .load(conn)
}
