//! A grant in French words, for summaries, the instructor's page, emails and the timeline:
//! "Actions : Consulter, Exporter · Département : 69, 01".

use super::{Grant, Restriction, Rights, ScopeGrant, territory};

/// One scope's actions and filters, in a line; empty when the provider declares neither.
pub fn scope_line(rights: &Rights, grant: &ScopeGrant) -> String {
    let mut parts = Vec::new();
    if !rights.actions.is_empty() {
        let actions: Vec<&str> = rights
            .actions
            .iter()
            .filter(|(id, _)| grant.actions.contains(id))
            .map(|(_, label)| label.as_str())
            .collect();
        parts.push(if actions.is_empty() {
            "Actions : aucune".to_string()
        } else {
            format!("Actions : {}", actions.join(", "))
        });
    }
    for filter in &rights.filters {
        if let Some(restriction) = grant.filters.get(&filter.id) {
            parts.push(format!(
                "{} : {}",
                filter.label,
                restriction_words(rights, &filter.id, restriction)
            ));
        }
    }
    parts.join(" · ")
}

/// A restriction in words: labels of the values, "2020 à 2024", "du 01/01/2024 au 31/12/2024".
pub fn restriction_words(rights: &Rights, filter: &str, restriction: &Restriction) -> String {
    match restriction {
        Restriction::Values(values) => {
            let kind = rights.filter(filter).map(|f| &f.kind);
            // An enumeration's values read in the provider's order.
            if let Some(super::FilterKind::Enumeration(options)) = kind {
                let known = options.iter().filter(|(o, _)| values.contains(o));
                let unknown = values
                    .iter()
                    .filter(|v| !options.iter().any(|(o, _)| o == *v));
                return known
                    .map(|(_, l)| l.clone())
                    .chain(unknown.cloned())
                    .collect::<Vec<_>>()
                    .join(", ");
            }
            values
                .iter()
                .map(|v| match kind {
                    Some(super::FilterKind::Territory) => match territory::department(v) {
                        Some(name) => format!("{name} ({v})"),
                        None => format!("commune {v}"),
                    },
                    _ => v.clone(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
        Restriction::Range { from, to } => format!("{} à {}", number(*from), number(*to)),
        Restriction::Dates { from, to } => format!(
            "du {} au {}",
            from.format("%d/%m/%Y"),
            to.format("%d/%m/%Y")
        ),
    }
}

/// A number as French people read it: no useless decimals, a decimal comma.
pub fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string().replace('.', ",")
    }
}

/// What a granted habilitation holds less than was asked, one French line each; empty when
/// everything asked was granted.
pub fn narrowed(
    rights: &Rights,
    asked: &Grant,
    granted: &Grant,
    scope_label: impl Fn(&str) -> String,
) -> Vec<String> {
    let mut lines = Vec::new();
    for (scope, asked_scope) in &asked.scopes {
        let Some(granted_scope) = granted.scopes.get(scope) else {
            continue;
        };
        let removed: Vec<&str> = rights
            .actions
            .iter()
            .filter(|(id, _)| {
                asked_scope.actions.contains(id) && !granted_scope.actions.contains(id)
            })
            .map(|(_, label)| label.as_str())
            .collect();
        let scope = scope_label(scope);
        if !removed.is_empty() {
            lines.push(format!(
                "{scope} : action(s) non accordée(s) : {}",
                removed.join(", ")
            ));
        }
        for filter in &rights.filters {
            let before = asked_scope.filters.get(&filter.id);
            let after = granted_scope.filters.get(&filter.id);
            if before != after
                && let Some(after) = after
            {
                lines.push(format!(
                    "{scope} : {} restreint à {} (demandé : {})",
                    filter.label,
                    restriction_words(rights, &filter.id, after),
                    before.map_or("sans restriction".to_string(), |b| {
                        restriction_words(rights, &filter.id, b)
                    })
                ));
            }
        }
    }
    if granted.max_level != asked.max_level {
        lines.push(format!(
            "Niveau de confidentialité accordé : {} (demandé : {})",
            rights.level_label(granted.max_level).unwrap_or("aucun"),
            rights.level_label(asked.max_level).unwrap_or("aucun")
        ));
    }
    lines
}
