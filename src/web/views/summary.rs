//! The answers summarised step by step, for the summary before submitting, the demande's
//! page and the instructor's: each answer as it reads, a scope's rights after the scopes.

use crate::catalog::Provider;
use crate::domain::form::{CONTACT_PARTS, FieldKind, FormErrors, chosen_scopes};
use crate::services::demandes::DemandeFile;

use super::form::{FileView, file_views, many, one, scope_label};

/// Answers of one step, for summaries.
#[derive(Debug, Clone)]
pub struct StepSummary {
    pub number: usize,
    pub title: String,
    pub rows: Vec<SummaryRow>,
    /// No error given for this step.
    pub complete: bool,
}

#[derive(Debug, Clone)]
pub struct SummaryRow {
    pub key: String,
    pub label: String,
    pub value: String,
    pub error: Option<String>,
    /// A file field's files, listed as downloads.
    pub files: Vec<FileView>,
}

pub fn summaries(provider: &Provider, file: &DemandeFile, errors: &FormErrors) -> Vec<StepSummary> {
    let answers = &file.answers;
    provider
        .form
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let mut rows: Vec<(String, String, String)> = Vec::new();
            let mut files: Vec<(String, Vec<FileView>)> = Vec::new();
            for field in &step.fields {
                match field.kind {
                    FieldKind::File => {
                        let listed = file_views(file, answers.get(&field.id));
                        let names: Vec<&str> = listed.iter().map(|f| f.name.as_str()).collect();
                        rows.push((field.id.clone(), field.label.clone(), names.join(", ")));
                        files.push((field.id.clone(), listed));
                    }
                    FieldKind::Contact => {
                        for (part, label, _) in CONTACT_PARTS {
                            let v = one(answers, &format!("{}_{part}", field.id));
                            rows.push((
                                format!("{}_{part}", field.id),
                                format!("{} – {label}", field.label),
                                v,
                            ));
                        }
                    }
                    FieldKind::Scopes => {
                        let labels: Vec<String> = chosen_scopes(&provider.form, answers)
                            .iter()
                            .map(|id| scope_label(provider, id))
                            .collect();
                        rows.push((field.id.clone(), field.label.clone(), labels.join(" ; ")));
                        rows.extend(super::rights::summary_rows(provider, answers));
                    }
                    FieldKind::Select | FieldKind::Radio | FieldKind::Checkboxes => {
                        let chosen = many(answers, &field.id);
                        let labels: Vec<String> = field
                            .options
                            .iter()
                            .filter(|o| chosen.contains(&o.value))
                            .map(|o| o.label.clone())
                            .collect();
                        rows.push((field.id.clone(), field.label.clone(), labels.join(", ")));
                    }
                    FieldKind::Checkbox => {
                        let ticked = one(answers, &field.id) == "oui";
                        rows.push((
                            field.id.clone(),
                            field.label.clone(),
                            if ticked {
                                "Oui".to_string()
                            } else {
                                String::new()
                            },
                        ));
                    }
                    FieldKind::Date => rows.push((
                        field.id.clone(),
                        field.label.clone(),
                        super::format_date_answer(&one(answers, &field.id)),
                    )),
                    _ => rows.push((
                        field.id.clone(),
                        field.label.clone(),
                        one(answers, &field.id),
                    )),
                }
            }
            let rows = rows
                .into_iter()
                .map(|(key, label, value)| SummaryRow {
                    // A scope's rights row carries the errors of its inputs.
                    error: errors
                        .0
                        .iter()
                        .find(|e| e.key == key || e.key.starts_with(&format!("{key}.")))
                        .map(|e| e.message.clone()),
                    files: files
                        .iter()
                        .find(|(k, _)| *k == key)
                        .map(|(_, f)| f.clone())
                        .unwrap_or_default(),
                    key,
                    label,
                    value,
                })
                .collect();
            StepSummary {
                number: i + 1,
                title: step.title.clone(),
                rows,
                complete: errors.for_step(i).is_empty(),
            }
        })
        .collect()
}
