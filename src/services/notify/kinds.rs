//! What an email is about ([`Topic`]), the kinds people switch on and off ([`Kind`]), and
//! which kinds each person can receive at all.

use crate::domain::policy::{Actor, Role};
use strum::{EnumString, IntoStaticStr, VariantArray};

/// Kinds of email a person switches on or off, per provider, at `/compte/notifications`, in
/// the order the page lists them: what a provider's people get, then what applicants get.
#[derive(Debug, Clone, Copy, PartialEq, Eq, IntoStaticStr, EnumString, VariantArray)]
pub enum Kind {
    /// New and resubmitted demandes of a provider (its subscribers, reporters, instructors).
    #[strum(serialize = "nouvelles_demandes")]
    NewDemandes,
    /// Decisions taken on a provider's demandes (its reporters).
    #[strum(serialize = "decisions_fournisseur")]
    ProviderDecisions,
    /// A weekly summary of a provider's demandes (those who see its dashboard).
    #[strum(serialize = "resume_hebdomadaire")]
    WeeklyDigest,
    /// The applicant's own demandes: receipt and decisions.
    #[strum(serialize = "decisions")]
    Decisions,
    #[strum(serialize = "messages")]
    Messages,
    #[strum(serialize = "rappels")]
    Reminders,
}

impl Kind {
    /// The name stored in preferences and unsubscribe links.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(name: &str) -> Option<Kind> {
        name.parse().ok()
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::NewDemandes => "Nouvelles demandes et demandes soumises à nouveau",
            Kind::Decisions => {
                "Suivi de mes demandes (accusé de réception, validation, refus, modifications demandées, révocation)"
            }
            Kind::ProviderDecisions => {
                "Décisions prises sur les demandes (validation, refus, révocation)"
            }
            Kind::Messages => "Messages sur les demandes",
            Kind::Reminders => {
                "Rappels (brouillon en attente, modifications à faire, habilitation qui expire)"
            }
            Kind::WeeklyDigest => {
                "Résumé hebdomadaire (demandes par état, les plus anciennes en attente)"
            }
        }
    }

    /// Whether a person who never chose receives it.
    pub fn on_by_default(self) -> bool {
        self != Kind::WeeklyDigest
    }
}

/// What an email is about; its name is stored on the outbox row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Topic {
    Submitted,
    Resubmitted,
    /// To the applicant, when they submit.
    Receipt,
    ChangesRequested,
    Refused,
    Approved,
    Revoked,
    /// To the provider's reporters, of a decision.
    Decided,
    ContactApproved,
    ContactRevoked,
    MessageToInstructors,
    MessageToApplicant,
    Reminder(&'static str),
    WeeklyDigest,
}

impl Topic {
    pub fn as_str(self) -> &'static str {
        match self {
            Topic::Submitted => "submitted",
            Topic::Resubmitted => "resubmitted",
            Topic::Receipt => "receipt",
            Topic::ChangesRequested => "changes_requested",
            Topic::Refused => "refused",
            Topic::Approved => "approved",
            Topic::Revoked => "revoked",
            Topic::Decided => "decided",
            Topic::ContactApproved => "contact_approved",
            Topic::ContactRevoked => "contact_revoked",
            Topic::MessageToInstructors => "message_to_instructors",
            Topic::MessageToApplicant => "message_to_applicant",
            Topic::Reminder(name) => name,
            Topic::WeeklyDigest => "weekly_digest",
        }
    }

    /// The kind a person can switch off (none for the GDPR notices to contacts).
    pub fn kind(self) -> Option<Kind> {
        match self {
            Topic::Submitted | Topic::Resubmitted => Some(Kind::NewDemandes),
            Topic::Receipt
            | Topic::ChangesRequested
            | Topic::Refused
            | Topic::Approved
            | Topic::Revoked => Some(Kind::Decisions),
            Topic::Decided => Some(Kind::ProviderDecisions),
            Topic::MessageToInstructors | Topic::MessageToApplicant => Some(Kind::Messages),
            Topic::Reminder(_) => Some(Kind::Reminders),
            Topic::WeeklyDigest => Some(Kind::WeeklyDigest),
            Topic::ContactApproved | Topic::ContactRevoked => None,
        }
    }
}

/// Roles whose holders get each provider-side kind (the applicant's kinds aside).
pub fn holders(kind: Kind) -> &'static [Role] {
    use Role::*;
    match kind {
        Kind::NewDemandes => &[Subscriber, Reporter, Instructor, Manager],
        Kind::ProviderDecisions => &[Reporter],
        Kind::Messages => &[Instructor, Manager],
        Kind::WeeklyDigest => &[Reporter, Instructor, Manager],
        Kind::Decisions | Kind::Reminders => &[],
    }
}

/// The kinds a person can receive, each with the providers it can come from: what
/// `/compte/notifications` offers. Members of an organisation may apply to any provider, so
/// they are offered the applicant's kinds for every one; the rest follows their roles.
pub fn receivable(actor: &Actor, providers: &[String]) -> Vec<(Kind, Vec<String>)> {
    let applicant = !actor.organisations.is_empty();
    Kind::VARIANTS
        .iter()
        .copied()
        .map(|kind| {
            let list = providers
                .iter()
                .filter(|p| {
                    let by_role = holders(kind)
                        .iter()
                        .any(|role| actor.roles.iter().any(|(rp, r)| rp == *p && r == role));
                    let as_applicant = applicant
                        && matches!(kind, Kind::Decisions | Kind::Messages | Kind::Reminders);
                    by_role || as_applicant
                })
                .cloned()
                .collect();
            (kind, list)
        })
        .filter(|(_, list): &(Kind, Vec<String>)| !list.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn providers() -> Vec<String> {
        vec!["api-entreprise".into(), "api-particulier".into()]
    }

    fn person(orgs: &[i64], roles: &[(&str, Role)]) -> Actor {
        Actor {
            user_id: 1,
            is_admin: false,
            organisations: orgs.to_vec(),
            roles: roles.iter().map(|(p, r)| (p.to_string(), *r)).collect(),
        }
    }

    fn kinds(actor: &Actor) -> Vec<(&'static str, Vec<String>)> {
        receivable(actor, &providers())
            .into_iter()
            .map(|(k, p)| (k.as_str(), p))
            .collect()
    }

    #[test]
    fn an_applicant_is_offered_the_applicant_s_kinds_for_every_provider() {
        let all = providers();
        assert_eq!(
            kinds(&person(&[10], &[])),
            [
                ("decisions", all.clone()),
                ("messages", all.clone()),
                ("rappels", all)
            ]
        );
    }

    #[test]
    fn a_subscriber_is_offered_new_demandes_of_its_provider_only() {
        let subscriber = person(&[], &[("api-particulier", Role::Subscriber)]);
        assert_eq!(
            kinds(&subscriber),
            [("nouvelles_demandes", vec!["api-particulier".to_string()])]
        );
    }

    #[test]
    fn a_reporter_is_offered_submissions_decisions_and_the_digest() {
        let reporter = person(&[], &[("api-particulier", Role::Reporter)]);
        let mine = vec!["api-particulier".to_string()];
        assert_eq!(
            kinds(&reporter),
            [
                ("nouvelles_demandes", mine.clone()),
                ("decisions_fournisseur", mine.clone()),
                ("resume_hebdomadaire", mine)
            ]
        );
        let instructor = person(&[], &[("api-entreprise", Role::Instructor)]);
        let theirs = vec!["api-entreprise".to_string()];
        assert_eq!(
            kinds(&instructor),
            [
                ("nouvelles_demandes", theirs.clone()),
                ("resume_hebdomadaire", theirs.clone()),
                ("messages", theirs)
            ]
        );
    }

    #[test]
    fn only_the_digest_is_off_by_default() {
        for kind in Kind::VARIANTS.iter().copied() {
            assert_eq!(kind.on_by_default(), kind != Kind::WeeklyDigest);
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
    }
}
