//! Texts a provider's file writes in Markdown (the introductions of the form and of its steps),
//! rendered to HTML once, when the file is read. Safe by construction, and refused with the
//! key named rather than silently changed: no raw HTML, links only to `https:`, `http:`,
//! `mailto:` or the portal's own pages, no images. Headings start at level 3, under the page's
//! own title and sections.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

use super::error::Errors;

/// The HTML of `text`, or `None` with its problems added at `key`.
pub(super) fn render(text: &str, key: &str, errors: &mut Errors) -> Option<String> {
    match convert(text, under_the_page) {
        Ok(html) => Some(html),
        Err(problems) => {
            for problem in problems {
                errors.add(key, problem);
            }
            None
        }
    }
}

/// The HTML of a page of its own (the portal's legal pages), whose title the page writes:
/// `##` is a second-level heading, and so on. The same rules as a provider's texts.
pub fn render_page(text: &str) -> Result<String, Vec<String>> {
    convert(text, |level| level)
}

/// The HTML of `text`, its headings moved by `levels`, or its problems.
fn convert(text: &str, levels: fn(HeadingLevel) -> HeadingLevel) -> Result<String, Vec<String>> {
    let mut problems: Vec<String> = Vec::new();
    let mut note = |problem: String| {
        if !problems.contains(&problem) {
            problems.push(problem);
        }
    };
    let mut html_seen = false;
    let events: Vec<Event> = Parser::new_ext(text, Options::empty())
        .map(|event| match event {
            Event::Html(raw) | Event::InlineHtml(raw) => {
                // The first tag tells the writer enough.
                if !html_seen {
                    html_seen = true;
                    note(format!(
                        "le HTML n'est pas permis (« {} ») : écrivez en Markdown",
                        raw.trim()
                    ));
                }
                Event::Text(raw)
            }
            Event::Start(Tag::Link { ref dest_url, .. }) if !allowed(dest_url) => {
                note(format!(
                    "lien « {dest_url} » refusé : seuls les liens https:, http:, mailto: ou vers une page du portail (/…) sont permis"
                ));
                event
            }
            Event::Start(Tag::Image { .. }) => {
                note("les images ne sont pas permises dans un texte".to_string());
                event
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => Event::Start(Tag::Heading {
                level: levels(level),
                id,
                classes,
                attrs,
            }),
            Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(levels(level))),
            other => other,
        })
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut out = String::with_capacity(text.len() * 5 / 4);
    html::push_html(&mut out, events.into_iter());
    Ok(out)
}

/// Where a link may lead.
fn allowed(url: &str) -> bool {
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| url.starts_with(scheme))
        || (url.starts_with('/') && !url.starts_with("//"))
}

/// `#` becomes a third-level heading, and so on down to the sixth.
fn under_the_page(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}
