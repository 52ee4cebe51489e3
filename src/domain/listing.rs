//! The instruction dashboard's query: read leniently from the URL (a bad part is reported in
//! French and ignored, never an error), and written back into links, so a view can be shared.

use chrono::NaiveDate;
use strum::{EnumString, IntoStaticStr, VariantArray};

use super::demande::State;
use super::public_id::{Kind, PublicId};

/// Searches longer than this are ignored (with a message).
pub const MAX_SEARCH_CHARS: usize = 200;

/// What the search box holds, routed to the cheapest index that answers it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SearchKey {
    Id(i64),
    Siret(String),
    Email(String),
    /// Words of the intitulé or the organisation's name.
    Words(Vec<String>),
}

impl SearchKey {
    pub fn parse(raw: &str) -> Option<SearchKey> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.len() == 14 && compact.chars().all(|c| c.is_ascii_digit()) {
            return Some(SearchKey::Siret(compact));
        }
        if let Some(id) = PublicId::parse(Kind::Demande, &compact).filter(|_| compact.len() <= 12) {
            return Some(SearchKey::Id(id.id()));
        }
        if raw.contains('@') {
            return Some(SearchKey::Email(raw.to_lowercase()));
        }
        let words: Vec<String> = raw
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(10)
            .map(str::to_lowercase)
            .collect();
        (!words.is_empty()).then_some(SearchKey::Words(words))
    }
}

/// Sortable columns, named as in the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, IntoStaticStr, EnumString, VariantArray)]
pub enum Sort {
    #[strum(serialize = "soumise")]
    Submitted,
    #[strum(serialize = "modifiee")]
    Updated,
    #[strum(serialize = "numero")]
    Id,
    #[strum(serialize = "organisation")]
    Organisation,
    #[strum(serialize = "intitule")]
    Intitule,
}

impl Sort {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(raw: &str) -> Option<Sort> {
        raw.parse().ok()
    }
}

/// Where the next page starts: the sort value and the id of the last row shown.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Cursor {
    pub value: String,
    pub id: i64,
}

impl Cursor {
    /// `value~id`, as carried in the URL.
    pub fn encode(&self) -> String {
        format!("{}~{}", self.value, self.id)
    }

    pub fn parse(raw: &str) -> Option<Cursor> {
        let (value, id) = raw.rsplit_once('~')?;
        let id = id.parse::<i64>().ok().filter(|id| *id > 0)?;
        (value.chars().count() <= 300).then(|| Cursor {
            value: value.to_string(),
            id,
        })
    }
}

/// The whole dashboard query.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DashboardQuery {
    /// The search box as typed (kept to show it back).
    pub text: String,
    pub search: Option<SearchKey>,
    pub providers: Vec<String>,
    /// Empty: the default (everything but drafts and archived).
    pub states: Vec<State>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub sort: Sort,
    pub descending: bool,
    pub after: Option<Cursor>,
    /// 1-based, for display; the cursor does the seeking.
    pub page: u32,
    /// Only the demandes assigned to the person looking (`assignation=moi`).
    pub mine: bool,
}

impl Default for DashboardQuery {
    fn default() -> Self {
        DashboardQuery {
            text: String::new(),
            search: None,
            providers: vec![],
            states: vec![],
            from: None,
            to: None,
            sort: Sort::Submitted,
            descending: true,
            after: None,
            page: 1,
            mine: false,
        }
    }
}

/// States listed when no state is chosen.
pub const DEFAULT_STATES: [State; 5] = [
    State::Submitted,
    State::ChangesRequested,
    State::Validated,
    State::Refused,
    State::Revoked,
];

fn short(raw: &str) -> String {
    let mut s: String = raw.chars().take(40).collect();
    if raw.chars().count() > 40 {
        s.push('…');
    }
    s
}

fn date(raw: &str, name: &str, problems: &mut Vec<String>) -> Option<NaiveDate> {
    if raw.trim().is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) => {
            problems.push(format!(
                "La date {name} « {} » n'existe pas ou n'est pas au format AAAA-MM-JJ : elle est ignorée.",
                short(raw)
            ));
            None
        }
    }
}

/// `?a=b&c=d`, encoded.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    // Everything but RFC 3986's unreserved characters.
    const QUERY: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    if pairs.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, QUERY)))
        .collect();
    format!("?{}", parts.join("&"))
}

impl DashboardQuery {
    /// The dashboard's path with this query.
    pub fn path(&self) -> String {
        format!("/instruction{}", query_string(&self.to_pairs()))
    }

    /// Reads the query from URL pairs; `providers` are those the person may see.
    /// Returns the query and, in French, what was wrong and ignored.
    pub fn parse(
        pairs: &[(String, String)],
        providers: &[String],
    ) -> (DashboardQuery, Vec<String>) {
        let mut q = DashboardQuery::default();
        let mut problems = Vec::new();
        for (key, value) in pairs {
            match key.as_str() {
                "q" => {
                    if value.chars().count() > MAX_SEARCH_CHARS {
                        problems.push(format!(
                            "La recherche est limitée à {MAX_SEARCH_CHARS} caractères : elle est ignorée."
                        ));
                    } else {
                        q.text = value.trim().to_string();
                        q.search = SearchKey::parse(value);
                    }
                }
                "fournisseur" if value.is_empty() => {}
                "fournisseur" => {
                    if providers.contains(value) {
                        if !q.providers.contains(value) {
                            q.providers.push(value.clone());
                        }
                    } else {
                        problems.push(format!(
                            "Fournisseur inconnu « {} » : ignoré.",
                            short(value)
                        ));
                    }
                }
                "etat" if value.is_empty() => {}
                "etat" => match State::parse(value) {
                    Some(state) if !q.states.contains(&state) => q.states.push(state),
                    Some(_) => {}
                    None => problems.push(format!("État inconnu « {} » : ignoré.", short(value))),
                },
                "assignation" if value.is_empty() => {}
                "assignation" => match value.as_str() {
                    "moi" => q.mine = true,
                    other => problems.push(format!(
                        "Assignation inconnue « {} » : ignorée.",
                        short(other)
                    )),
                },
                "du" => q.from = date(value, "de début", &mut problems),
                "au" => q.to = date(value, "de fin", &mut problems),
                "tri" => match Sort::parse(value) {
                    Some(sort) => q.sort = sort,
                    None => problems.push(format!(
                        "Tri inconnu « {} » : tri par date de soumission.",
                        short(value)
                    )),
                },
                "ordre" => match value.as_str() {
                    "asc" => q.descending = false,
                    "desc" => q.descending = true,
                    other => problems.push(format!(
                        "Ordre inconnu « {} » : ordre décroissant.",
                        short(other)
                    )),
                },
                "apres" => match Cursor::parse(value) {
                    Some(cursor) => q.after = Some(cursor),
                    None => problems
                        .push("Position dans la liste invalide : retour au début.".to_string()),
                },
                "page" => match value.parse::<u32>() {
                    Ok(n) if n >= 1 => q.page = n,
                    _ => problems.push(format!(
                        "Numéro de page invalide « {} » : retour à la première page.",
                        short(value)
                    )),
                },
                _ => {}
            }
        }
        if let (Some(from), Some(to)) = (q.from, q.to)
            && from > to
        {
            problems.push(
                "La date de début est après la date de fin : les dates sont ignorées.".to_string(),
            );
            q.from = None;
            q.to = None;
        }
        // A page number without its cursor (or the reverse) cannot be trusted: start over.
        if q.after.is_none() || q.page == 1 {
            q.after = None;
            q.page = 1;
        }
        (q, problems)
    }

    /// The states actually listed.
    pub fn listed_states(&self) -> Vec<State> {
        if self.states.is_empty() {
            DEFAULT_STATES.to_vec()
        } else {
            self.states.clone()
        }
    }

    /// The query as URL parameters, without the position (for filters, tabs and sorting).
    pub fn to_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if !self.text.is_empty() {
            pairs.push(("q", self.text.clone()));
        }
        for p in &self.providers {
            pairs.push(("fournisseur", p.clone()));
        }
        for s in &self.states {
            pairs.push(("etat", s.as_str().to_string()));
        }
        if self.mine {
            pairs.push(("assignation", "moi".to_string()));
        }
        if let Some(d) = self.from {
            pairs.push(("du", d.to_string()));
        }
        if let Some(d) = self.to {
            pairs.push(("au", d.to_string()));
        }
        if self.sort != Sort::Submitted {
            pairs.push(("tri", self.sort.as_str().to_string()));
        }
        if !self.descending {
            pairs.push(("ordre", "asc".to_string()));
        }
        pairs
    }
}

#[cfg(test)]
mod tests;
