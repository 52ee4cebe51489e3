//! The instruction dashboard's page model: the list of demandes with its filters, tabs,
//! sortable columns and the rows kept rendered with the dashboard.

use askama::Template;
use strum::VariantArray;

use crate::db::dashboard::{COUNT_CAP, Counts};
use crate::domain::demande::State;
use crate::domain::listing::{DashboardQuery, Sort, query_string};
use crate::services::App;
use crate::services::dashboard::Dashboard;
use crate::web::ctx::PageCtx;

use super::file::DemandeRow;
use super::{Layout, provider_at_stage, provider_name};

const SECTION: &str = "instruction";

/// A tab above a list, with its count.
pub struct TabView {
    pub label: &'static str,
    pub count: String,
    pub href: String,
    pub current: bool,
}

/// A sortable column header.
pub struct SortHeader {
    pub label: &'static str,
    pub href: String,
    /// `aria-sort` value: ascending, descending or none.
    pub aria: &'static str,
}

/// The dashboard's rows, on their own: rendered (escaped) once per kept dashboard, then
/// placed as they are in every page that shows it.
#[derive(Template)]
#[template(path = "instruction/rows.html")]
struct DashboardRows<'a> {
    rows: Vec<DemandeRow>,
    /// A box to tick on each row, for the actions on several demandes.
    selectable: bool,
    /// `?retour=…` added to the links to a demande, so its page links back to this list.
    retour: &'a str,
}

#[derive(Template)]
#[template(path = "instruction/list.html")]
pub struct DashboardPage {
    pub layout: Layout,
    /// The rows, escaped by [`DashboardRows`].
    pub rows_html: String,
    pub empty: bool,
    pub problems: Vec<String>,
    /// How many demandes have messages from applicants not read yet (at most the cap)...
    pub unread: usize,
    /// ...and whether more than that many have some.
    pub unread_more: bool,
    pub text: String,
    /// (slug, name, chosen).
    pub providers: Vec<(String, String, bool)>,
    /// (state, label, chosen).
    pub states: Vec<(&'static str, &'static str, bool)>,
    pub from: String,
    pub to: String,
    pub tabs: Vec<TabView>,
    /// Said above the tabs when too many demandes match to count them.
    pub uncounted: Option<String>,
    pub headers: Vec<SortHeader>,
    pub next: Option<String>,
    pub first: Option<String>,
    pub page: u32,
    pub export: String,
    /// "Only those assigned to me" is ticked.
    pub mine: bool,
    /// (id, "Name (address)") of the people demandes may be assigned to; the actions on
    /// several demandes are offered when the person instructs (this is then not empty).
    pub candidates: Vec<(i64, String)>,
    pub selectable: bool,
    /// The person may prepare drafts for organisations (they instruct a provider).
    pub prepares: bool,
    /// The list's parameters, for the actions' form to come back to it.
    pub list: String,
    pub me: i64,
}

fn dashboard_link(pairs: &[(&str, String)]) -> String {
    format!("/instruction{}", query_string(pairs))
}

/// The list's criteria and position as URL parameters (what a link back to it needs).
fn list_pairs(query: &DashboardQuery) -> Vec<(&'static str, String)> {
    let mut pairs = query.to_pairs();
    if let Some(cursor) = &query.after {
        pairs.push(("apres", cursor.encode()));
        pairs.push(("page", query.page.to_string()));
    }
    pairs
}

/// The dashboard list a demande page was opened from, from its `retour` parameter: the
/// criteria are read again and re-encoded, so the link only ever goes to `/instruction` with
/// known parameters (anything else is dropped). Returns the link and the cleaned parameter.
pub fn list_link(retour: Option<&str>, visible: &[String]) -> (String, String) {
    let decoded = crate::web::input::decode(retour.unwrap_or_default().as_bytes());
    let (query, _) = DashboardQuery::parse(&decoded.pairs, visible);
    let cleaned = query_string(&list_pairs(&query));
    let retour = cleaned.trim_start_matches('?').to_string();
    (format!("/instruction{cleaned}"), retour)
}

/// One tab for the default view, then one per state with its count.
fn state_tabs(query: &DashboardQuery, board: &Dashboard) -> Vec<TabView> {
    let without_states: Vec<(&str, String)> = query
        .to_pairs()
        .into_iter()
        .filter(|(k, _)| *k != "etat")
        .collect();
    let mut tabs = vec![TabView {
        label: "En cours et traitées",
        count: String::new(),
        href: dashboard_link(&without_states),
        current: query.states.is_empty(),
    }];
    for state in State::VARIANTS {
        let mut pairs = without_states.clone();
        pairs.push(("etat", state.as_str().to_string()));
        let count = match &board.counts {
            Counts::Exact(counts) => counts
                .iter()
                .find(|(s, _)| s == state)
                .map(|(_, n)| n.to_string())
                .unwrap_or_default(),
            Counts::Over => String::new(),
        };
        tabs.push(TabView {
            label: state.label(),
            count,
            href: dashboard_link(&pairs),
            current: query.states == vec![*state],
        });
    }
    tabs
}

/// The column headers: clicking the current column flips the order; another starts descending.
fn sort_headers(query: &DashboardQuery) -> Vec<SortHeader> {
    let columns = [
        (Sort::Id, "N°"),
        (Sort::Intitule, "Projet"),
        (Sort::Organisation, "Organisation"),
        (Sort::Submitted, "Soumise le"),
        (Sort::Updated, "Modifiée le"),
    ];
    columns
        .into_iter()
        .map(|(sort, label)| {
            let current_sort = query.sort == sort;
            let descending = !current_sort || !query.descending;
            let mut pairs: Vec<(&str, String)> = query
                .to_pairs()
                .into_iter()
                .filter(|(k, _)| *k != "tri" && *k != "ordre")
                .collect();
            pairs.push(("tri", sort.as_str().to_string()));
            pairs.push(("ordre", if descending { "desc" } else { "asc" }.to_string()));
            SortHeader {
                label,
                href: dashboard_link(&pairs),
                aria: match (current_sort, query.descending) {
                    (false, _) => "none",
                    (true, true) => "descending",
                    (true, false) => "ascending",
                },
            }
        })
        .collect()
}

/// What the dashboard shows, beside the board the service found.
pub struct DashboardInput<'a> {
    pub query: &'a DashboardQuery,
    /// Criteria that could not be read, said on top.
    pub problems: Vec<String>,
    /// The providers the person may filter on.
    pub visible: &'a [String],
    /// Who demandes may be assigned to, and whether the person may act on several at once.
    pub candidates: Vec<(i64, String)>,
    pub selectable: bool,
}

/// The rows of a dashboard as HTML: rendered the first time, then as kept with it. What they
/// show depends only on the dashboard (its rows, their unread flags) and on its query (the
/// `retour` of the links), which is part of what the dashboard is kept under.
fn rows_html(
    app: &App,
    board: &Dashboard,
    (retour, selectable): (&str, bool),
) -> Result<String, askama::Error> {
    if let Some(html) = board.rows_html.get() {
        return Ok(html.clone());
    }
    let unread = &board.unread;
    let rows = board
        .rows
        .iter()
        .map(|d| DemandeRow {
            unread: unread.shown.contains(&d.id),
            assignee: d
                .assigned_to
                .and_then(|a| board.assignees.iter().find(|(id, _)| *id == a))
                .map(|(_, name)| name.clone())
                .unwrap_or_default(),
            ..DemandeRow::new(
                d,
                &provider_at_stage(&app.catalog, &d.provider, d.stage.as_deref()),
            )
        })
        .collect();
    let html = DashboardRows {
        rows,
        selectable,
        retour,
    }
    .render()?;
    // Another request may have filled it meanwhile, with the same rows.
    let _ = board.rows_html.set(html.clone());
    Ok(html)
}

impl DashboardPage {
    pub fn new(
        ctx: &PageCtx,
        app: &App,
        input: DashboardInput,
        board: &Dashboard,
    ) -> Result<Self, askama::Error> {
        let DashboardInput {
            query,
            problems,
            visible,
            candidates,
            selectable,
        } = input;
        let unread = &board.unread;
        let name = |slug: &str| provider_name(&app.catalog, slug);
        let retour = match query_string(&list_pairs(query)).trim_start_matches('?') {
            "" => String::new(),
            list => query_string(&[("retour", list.to_string())]),
        };
        let base = query.to_pairs();
        let next = board.next.as_ref().map(|cursor| {
            let mut pairs = base.clone();
            pairs.push(("apres", cursor.encode()));
            pairs.push(("page", (query.page + 1).to_string()));
            dashboard_link(&pairs)
        });
        Ok(DashboardPage {
            layout: ctx.layout(SECTION),
            rows_html: rows_html(app, board, (&retour, selectable))?,
            empty: board.rows.is_empty(),
            problems,
            unread: unread.demandes,
            unread_more: unread.more,
            text: query.text.clone(),
            providers: visible
                .iter()
                .map(|slug| (slug.clone(), name(slug), query.providers.contains(slug)))
                .collect(),
            states: State::VARIANTS
                .iter()
                .map(|s| (s.as_str(), s.label(), query.states.contains(s)))
                .collect(),
            from: query.from.map(|d| d.to_string()).unwrap_or_default(),
            to: query.to.map(|d| d.to_string()).unwrap_or_default(),
            tabs: state_tabs(query, board),
            uncounted: (board.counts == Counts::Over).then(|| {
                format!(
                    "Plus de {} demandes correspondent à ces critères : elles ne sont pas comptées par état. Précisez la recherche pour les compter.",
                    super::format_count(COUNT_CAP as i64)
                )
            }),
            headers: sort_headers(query),
            next,
            first: (query.page > 1).then(|| dashboard_link(&base)),
            page: query.page,
            export: format!("/instruction/export.csv{}", query_string(&base)),
            mine: query.mine,
            candidates,
            selectable,
            prepares: !crate::services::prepared::preparable(&ctx.current).is_empty(),
            list: query_string(&list_pairs(query))
                .trim_start_matches('?')
                .to_string(),
            me: ctx.current.user.id,
        })
    }
}
