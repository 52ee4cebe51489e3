//! What was just done, said on the page a form redirects to. The redirect carries a fixed word
//! (`?fait=soumise`) that selects one of these known messages: the parameter's text is never
//! shown, and an unknown word shows nothing. Works without JavaScript, and a second click of a
//! double click lands on the same page with the same message.

use crate::catalog::Provider;

/// An action whose confirmation a page can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    Submitted,
    MessageSent,
    Approved,
    Refused,
    ChangesRequested,
    Revoked,
    Archived,
    Restored,
    Transferred,
    Assigned,
    Moved,
    Claimed,
}

/// A success alert: a title, what happens next, and whether it belongs beside the messages
/// (where the page scrolls to after writing one) rather than at the top.
#[derive(Debug, Clone)]
pub struct Confirmation {
    pub title: String,
    pub lines: Vec<String>,
    pub near_messages: bool,
}

const ALL: [Done; 12] = [
    Done::Submitted,
    Done::MessageSent,
    Done::Approved,
    Done::Refused,
    Done::ChangesRequested,
    Done::Revoked,
    Done::Archived,
    Done::Restored,
    Done::Transferred,
    Done::Assigned,
    Done::Moved,
    Done::Claimed,
];

const APPLICANT_TOLD: &str = "Le demandeur a été prévenu par courriel.";

impl Done {
    /// The word in the query string.
    pub fn as_str(self) -> &'static str {
        match self {
            Done::Submitted => "soumise",
            Done::MessageSent => "message",
            Done::Approved => "validee",
            Done::Refused => "refusee",
            Done::ChangesRequested => "modifications",
            Done::Revoked => "revoquee",
            Done::Archived => "archivee",
            Done::Restored => "restauree",
            Done::Transferred => "transferee",
            Done::Assigned => "assignee",
            Done::Moved => "rattachee",
            Done::Claimed => "reprise",
        }
    }

    /// The action a query string (`fait=...`) names, if it names a known one.
    pub fn from_query(query: &str) -> Option<Done> {
        let pairs = crate::web::input::decode(query.as_bytes()).pairs;
        let word = pairs.iter().find(|(k, _)| k == "fait").map(|(_, v)| v)?;
        ALL.into_iter().find(|d| d.as_str() == word)
    }

    fn anchor(self) -> &'static str {
        match self {
            Done::MessageSent => "#messages",
            _ => "",
        }
    }

    /// The applicant's demande page, saying this was done.
    pub fn on_demande(self, id: i64) -> String {
        format!("/demandes/{id}?fait={}{}", self.as_str(), self.anchor())
    }

    /// The instruction page of a demande, saying this was done.
    pub fn on_instruction(self, id: i64) -> String {
        format!(
            "/instruction/demandes/{id}?fait={}{}",
            self.as_str(),
            self.anchor()
        )
    }

    /// What the applicant is told on the demande page; nothing for an instructor's action.
    pub fn for_applicant(self, provider: &Provider) -> Option<Confirmation> {
        let instructors = format!(
            "Les instructeurs de {} ont été prévenus par courriel.",
            provider.provider
        );
        match self {
            Done::Submitted => {
                let mut lines = vec![format!(
                    "{instructors} Vous avez reçu un accusé de réception à votre adresse électronique."
                )];
                if let Some(days) = provider.usual_delay_days {
                    lines.push(format!("Ils répondent habituellement sous {days} jours."));
                }
                lines.push(
                    "Ils peuvent valider la demande, la refuser ou vous demander des modifications : \
                     vous recevrez un courriel à chaque étape, et pouvez leur écrire ci-dessous."
                        .to_string(),
                );
                Some(Confirmation {
                    title: "Votre demande a été soumise".to_string(),
                    lines,
                    near_messages: false,
                })
            }
            Done::MessageSent => Some(Confirmation {
                title: "Votre message a été envoyé".to_string(),
                lines: vec![format!(
                    "{instructors} Leur réponse s'affichera ici, et vous serez prévenu par courriel."
                )],
                near_messages: true,
            }),
            Done::Claimed => Some(Confirmation {
                title: "Vous avez repris cette demande".to_string(),
                lines: vec![
                    "Vous en êtes désormais le demandeur : complétez-la puis soumettez-la."
                        .to_string(),
                ],
                near_messages: false,
            }),
            Done::Restored => Some(Confirmation {
                title: "Votre demande a été restaurée".to_string(),
                lines: vec![
                    "Elle reprend là où elle en était, avec vos réponses. Vous pouvez la modifier et la soumettre."
                        .to_string(),
                ],
                near_messages: false,
            }),
            _ => None,
        }
    }

    /// What the instructor is told on the instruction page; nothing for the applicant's actions.
    pub fn for_instructor(self) -> Option<Confirmation> {
        let (title, lines): (&str, &[&str]) = match self {
            Done::MessageSent => {
                let confirmation = Confirmation {
                    title: "Votre message a été envoyé".to_string(),
                    lines: vec![format!("{APPLICANT_TOLD} Sa réponse s'affichera ici.")],
                    near_messages: true,
                };
                return Some(confirmation);
            }
            Done::Approved => (
                "La demande a été validée",
                &[
                    APPLICANT_TOLD,
                    "L'habilitation est active : elle figure ci-dessous.",
                ],
            ),
            Done::Refused => (
                "La demande a été refusée",
                &["Le demandeur a été prévenu par courriel, avec le motif du refus."],
            ),
            Done::ChangesRequested => (
                "Des modifications ont été demandées",
                &[
                    APPLICANT_TOLD,
                    "La demande vous reviendra quand il l'aura modifiée et soumise à nouveau.",
                ],
            ),
            Done::Revoked => ("L'habilitation a été révoquée", &[APPLICANT_TOLD]),
            Done::Archived => ("La demande a été archivée", &[]),
            Done::Transferred => (
                "La demande a été transférée",
                &["Le nouveau demandeur et l'ancien ont été prévenus par courriel."],
            ),
            Done::Assigned => (
                "L'assignation de la demande a changé",
                &[
                    "Quand elle est assignée à quelqu'un d'autre que vous, cette personne est prévenue par courriel.",
                ],
            ),
            Done::Moved => (
                "La demande est rattachée à sa nouvelle organisation",
                &[
                    "Ses habilitations la suivent : l'API des droits répond désormais pour cette organisation.",
                    "Le nouveau demandeur et l'ancien ont été prévenus par courriel.",
                ],
            ),
            Done::Submitted | Done::Restored | Done::Claimed => return None,
        };
        Some(Confirmation {
            title: title.to_string(),
            lines: lines.iter().map(|l| l.to_string()).collect(),
            near_messages: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_words_select_a_message() {
        assert_eq!(Done::from_query("fait=soumise"), Some(Done::Submitted));
        assert_eq!(Done::from_query("x=1&fait=validee"), Some(Done::Approved));
        assert_eq!(Done::from_query("fait=%3Cscript%3E"), None);
        assert_eq!(Done::from_query("fait="), None);
        assert_eq!(Done::from_query("%ZZ"), None);
        for done in ALL {
            assert_eq!(
                Done::from_query(&format!("fait={}", done.as_str())),
                Some(done)
            );
        }
    }
}
