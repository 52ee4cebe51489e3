//! The generated answers pass the form's own checks, as a submission would.

use crate::domain::form::{Answers, Strictness, check};

use super::rows::{Generator, Org, RARE_WORD};

fn orgs() -> Vec<Org> {
    (0..3)
        .map(|i| Org {
            id: i,
            name: format!("Mairie de Lyon {i}"),
            siret: "21690123100011".to_string(),
            domain: "lyon.example".to_string(),
            applicant_id: i,
            applicant_email: format!("agent{i}@lyon.example"),
        })
        .collect()
}

#[test]
fn seeded_answers_pass_the_submission_checks_of_every_provider() {
    let catalog = crate::catalog::load_dir(std::path::Path::new("providers")).unwrap();
    let orgs = orgs();
    let mut generator = Generator::new(catalog.unstaged(), &orgs, 2_000);
    let mut rare = 0;
    for i in 0..2_000 {
        let row = generator.row(i).unwrap();
        let provider = &catalog.unstaged()[row.provider];
        let answers: Answers = serde_json::from_str(&row.answers).unwrap();
        let errors = check(&provider.form, &answers, Strictness::Submit);
        assert!(errors.is_empty(), "{}: {:?}", provider.slug, errors.0);
        let scopes: Vec<String> = serde_json::from_str(&row.scopes).unwrap();
        assert!(!scopes.is_empty(), "{}", provider.slug);
        rare += usize::from(row.intitule.contains(RARE_WORD));
    }
    assert_eq!(rare, 3);
}

#[test]
fn the_seed_is_the_same_on_every_run() {
    let catalog = crate::catalog::load_dir(std::path::Path::new("providers")).unwrap();
    let orgs = orgs();
    let rows = || {
        let mut generator = Generator::new(catalog.unstaged(), &orgs, 50);
        (0..50)
            .map(|i| {
                let r = generator.row(i).unwrap();
                (r.answers, r.intitule, r.state)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(rows(), rows());
}
