//! The opinions (avis) section of a demande's instruction page.

use crate::services::opinions::Opinions;

use super::file::EventView;
use super::format_datetime;

/// The opinions as lines of the instruction page's timeline: each asked, each given.
pub fn timeline_lines(opinions: &Opinions) -> Vec<(chrono::NaiveDateTime, EventView)> {
    let line = |label: String, who: &str, text: &str, when: &chrono::NaiveDateTime| EventView {
        label,
        when: format_datetime(when),
        who: who.to_string(),
        change: None,
        reason: Some(text.to_string()),
        fields_changed: 0,
        saves: 0,
        narrowed: vec![],
    };
    let mut lines = Vec::new();
    for (o, by, to) in &opinions.list {
        let asked = line(format!("Avis demandé à {to}"), by, &o.question, &o.asked_at);
        lines.push((o.asked_at, asked));
        if let (Some(answer), Some(at)) = (&o.answer, &o.answered_at) {
            lines.push((*at, line("Avis rendu".to_string(), to, answer, at)));
        }
        if let Some(at) = &o.withdrawn_at {
            let withdrawn = EventView {
                reason: None,
                ..line("Demande d'avis retirée".to_string(), "", "", at)
            };
            lines.push((*at, withdrawn));
        }
    }
    lines
}

/// One opinion as the instruction page shows it.
pub struct OpinionView {
    pub question: String,
    pub asked_by: String,
    pub asked_to: String,
    pub asked_at: String,
    /// (answer, when), once given.
    pub answer: Option<(String, String)>,
    /// When it was withdrawn, unanswered.
    pub withdrawn: Option<String>,
    /// Its id, when the reader may withdraw it (open, and they instruct the demande).
    pub withdrawable: Option<i64>,
}

/// The section: the opinions, the form to ask one, the form to answer the one asked to the
/// reader, and what a refused form held.
#[derive(Default)]
pub struct OpinionsBox {
    pub list: Vec<OpinionView>,
    /// (id, name) of the provider's people one may ask; empty when asking is not offered.
    pub askable: Vec<(i64, String)>,
    /// The opinion the reader was asked and has not answered.
    pub answer_for: Option<i64>,
    /// "avis" or "repondre" when that form was refused, with its message and text.
    pub error_form: &'static str,
    pub error: String,
    pub typed: String,
}

impl OpinionsBox {
    /// `may_ask`: the reader instructs the demande now (it is submitted); `may_withdraw`: the
    /// reader instructs the demande (whatever its state).
    pub fn new(
        opinions: Opinions,
        reader: i64,
        (may_ask, may_withdraw): (bool, bool),
    ) -> OpinionsBox {
        let open = opinions.list.iter().any(|(o, _, _)| o.is_open());
        let answer_for = opinions
            .list
            .iter()
            .find(|(o, _, _)| o.is_open() && o.asked_to == reader)
            .map(|(o, _, _)| o.id);
        let askable = match may_ask && !open {
            true => opinions
                .askable
                .into_iter()
                .filter(|(id, _)| *id != reader)
                .collect(),
            false => vec![],
        };
        OpinionsBox {
            list: opinions
                .list
                .into_iter()
                .map(|(o, by, to)| OpinionView {
                    withdrawable: (may_withdraw && o.is_open()).then_some(o.id),
                    withdrawn: o.withdrawn_at.as_ref().map(format_datetime),
                    question: o.question,
                    asked_by: by,
                    asked_to: to,
                    asked_at: format_datetime(&o.asked_at),
                    answer: o.answer.zip(o.answered_at.as_ref().map(format_datetime)),
                })
                .collect(),
            askable,
            answer_for,
            ..OpinionsBox::default()
        }
    }
}
