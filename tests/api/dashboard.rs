//! The instruction dashboard: search by every key, filters, tabs, sorting, pagination, CSV.

use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp, spawn_app};

/// A submitted demande with this project name; returns its id.
async fn submitted(app: &TestApp, who: &Browser, provider: &str, intitule: &str) -> i64 {
    let id = app.filled_draft(who, provider).await;
    let named = who
        .fill(
            id,
            1,
            &[
                ("intitule".into(), intitule.into()),
                ("description".into(), "Description".into()),
            ],
        )
        .await;
    assert_eq!(named.status, StatusCode::SEE_OTHER);
    assert_eq!(who.submit(id, true).await.status, StatusCode::SEE_OTHER);
    id
}

/// The demande ids listed on a dashboard page, in order.
fn listed(body: &str) -> Vec<i64> {
    let re =
        regex::Regex::new(r#"<td[^>]*><a href="/instruction/demandes/(\d+)(?:\?retour=[^"]*)?">"#)
            .unwrap();
    re.captures_iter(body)
        .map(|c| c[1].parse().unwrap())
        .collect()
}

struct World {
    app: TestApp,
    lyon_cantine: i64,
    lyon_ccas: i64,
    grenoble_college: i64,
    grenoble_entreprise: i64,
    lyon_draft: i64,
}

async fn world() -> World {
    let app = spawn_app().await;
    let marie = app.login_as("marie.dupont@mairie-lyon.fr").await;
    let jeanne = app.login_as("jeanne.roux@grenoble.fr").await;
    let lyon_cantine = submitted(
        &app,
        &marie,
        "api-particulier",
        "Tarification de la cantine scolaire",
    )
    .await;
    let lyon_ccas = submitted(
        &app,
        &marie,
        "api-particulier",
        "=HYPERLINK(\"http://x\") aides du CCAS",
    )
    .await;
    let grenoble_college =
        submitted(&app, &jeanne, "api-particulier", "Cantine des collèges").await;
    let grenoble_entreprise = submitted(&app, &jeanne, "api-entreprise", "Marchés publics").await;
    let lyon_draft = marie.start_demande("api-particulier", "").await;
    let instructor = app.login_as("instruction@api-particulier.example").await;
    assert_eq!(
        instructor.decide(lyon_ccas, "valider", "").await.status,
        StatusCode::SEE_OTHER
    );
    World {
        app,
        lyon_cantine,
        lyon_ccas,
        grenoble_college,
        grenoble_entreprise,
        lyon_draft,
    }
}

#[tokio::test]
async fn the_dashboard_finds_demandes_by_every_key_and_filter() {
    let w = world().await;
    let reporter = w.app.login_as("rapport@api-particulier.example").await;
    let ids = |page: &crate::helpers::Page| {
        let mut ids = listed(&page.body);
        ids.sort();
        ids
    };
    let mut all = vec![w.lyon_cantine, w.lyon_ccas, w.grenoble_college];
    all.sort();

    let page = reporter.get("/instruction").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        ids(&page),
        all,
        "its provider's submitted demandes; no draft, no other provider"
    );
    assert!(!listed(&page.body).contains(&w.lyon_draft));
    assert!(!listed(&page.body).contains(&w.grenoble_entreprise));
    // Newest submission first by default.
    assert_eq!(listed(&page.body)[0], w.grenoble_college);

    let search = |q: &str| format!("/instruction?q={}", q.replace(' ', "+").replace('@', "%40"));
    for (q, expected) in [
        (format!("D{}", w.lyon_cantine), vec![w.lyon_cantine]),
        (format!("{}", w.grenoble_college), vec![w.grenoble_college]),
        (
            "cantine".to_string(),
            vec![w.lyon_cantine, w.grenoble_college],
        ),
        ("cantine grenoble".to_string(), vec![w.grenoble_college]),
        ("colleges".to_string(), vec![w.grenoble_college]),
        (
            "216 901 231 00011".to_string(),
            vec![w.lyon_cantine, w.lyon_ccas],
        ),
        ("21380055400007".to_string(), vec![w.grenoble_college]),
        (
            "JEANNE.ROUX@grenoble.fr".to_string(),
            vec![w.grenoble_college],
        ),
        ("inexistant".to_string(), vec![]),
    ] {
        let mut expected = expected;
        expected.sort();
        assert_eq!(
            ids(&reporter.get(&search(&q)).await),
            expected,
            "search « {q} »"
        );
    }

    // Filters: state (several), provider, dates.
    assert_eq!(
        ids(&reporter.get("/instruction?etat=validated").await),
        vec![w.lyon_ccas]
    );
    let mut two = vec![w.lyon_ccas, w.lyon_cantine];
    two.sort();
    let both = reporter
        .get("/instruction?etat=validated&etat=submitted&q=lyon")
        .await;
    assert_eq!(ids(&both), two);
    let today = chrono::Utc::now().date_naive();
    let yesterday = today.pred_opt().unwrap();
    assert_eq!(
        ids(&reporter
            .get(&format!("/instruction?du={today}&au={today}"))
            .await),
        all
    );
    assert_eq!(
        ids(&reporter.get(&format!("/instruction?au={yesterday}")).await),
        Vec::<i64>::new()
    );

    // Tabs count per state, and the URL keeps the search.
    let page = reporter.get("/instruction?q=lyon").await;
    page.assert_contains(r#"Validée <span class="count">(1)</span>"#);
    page.assert_contains(r#"En cours d'instruction <span class="count">(1)</span>"#);
    page.assert_contains("href=\"/instruction?q=lyon&etat=validated\"");

    // An instructor of the other provider sees only theirs.
    let other = w.app.login_as("rapport@api-entreprise.example").await;
    assert_eq!(
        ids(&other.get("/instruction").await),
        vec![w.grenoble_entreprise]
    );
    let page = other.get("/instruction?fournisseur=api-particulier").await;
    page.assert_contains("Fournisseur inconnu « api-particulier » : ignoré.");
    assert_eq!(ids(&page), vec![w.grenoble_entreprise]);
}

#[tokio::test]
async fn columns_sort_both_ways() {
    let w = world().await;
    let reporter = w.app.login_as("rapport@api-particulier.example").await;
    let asc = listed(
        &reporter
            .get("/instruction?tri=organisation&ordre=asc")
            .await
            .body,
    );
    assert_eq!(asc[0], w.grenoble_college, "Grenoble before Lyon");
    let desc = listed(
        &reporter
            .get("/instruction?tri=organisation&ordre=desc")
            .await
            .body,
    );
    assert_eq!(desc[2], w.grenoble_college);
    let by_id = listed(&reporter.get("/instruction?tri=numero&ordre=asc").await.body);
    assert_eq!(by_id, vec![w.lyon_cantine, w.lyon_ccas, w.grenoble_college]);
    let page = reporter.get("/instruction?tri=numero&ordre=asc").await;
    page.assert_contains(r#"aria-sort="ascending""#);
}

#[tokio::test]
async fn bad_query_strings_show_the_dashboard_with_what_was_wrong() {
    let w = world().await;
    let reporter = w.app.login_as("rapport@api-particulier.example").await;
    let long = "a".repeat(10_000);
    let page = reporter
        .get(&format!(
            "/instruction?etat=approved&du=2026-02-30&page=-1&apres=zzz&q={long}"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for message in [
        "État inconnu « approved » : ignoré.",
        "La date de début « 2026-02-30 » n'existe pas ou n'est pas au format AAAA-MM-JJ : elle est ignorée.",
        "Numéro de page invalide « -1 » : retour à la première page.",
        "La recherche est limitée à 200 caractères : elle est ignorée.",
    ] {
        page.assert_contains(message);
    }
    assert_eq!(listed(&page.body).len(), 3);
    // A cursor of the wrong kind for the sort starts from the top instead of failing.
    let page = reporter
        .get("/instruction?tri=soumise&apres=pas-une-date~5&page=2")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(listed(&page.body).len(), 3);
    let page = reporter.get("/instruction?q=%FF%FE").await;
    assert_eq!(page.status, StatusCode::OK);
}

#[tokio::test]
async fn the_csv_export_is_exactly_the_filtered_list_and_safe_in_a_spreadsheet() {
    let w = world().await;
    let reporter = w.app.login_as("rapport@api-particulier.example").await;
    let response = reporter
        .client
        .get(format!("{}/instruction/export.csv?q=lyon", w.app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 byte order mark");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "numero,fournisseur,intitule,organisation,siret,demandeur,etat,soumise_le,modifiee_le,habilitation,habilitation_expire_le,etape_procedure"
    );
    assert_eq!(lines.len(), 3, "{text}");
    assert!(text.contains(&format!("D{},API Particulier,Tarification de la cantine scolaire,Mairie de Lyon,21690123100011,marie.dupont@mairie-lyon.fr,En cours d'instruction", w.lyon_cantine)));
    // A formula is neutralised with a leading quote (and CSV-quoted for its own quotes).
    assert!(
        text.contains(r#""'=HYPERLINK(""http://x"") aides du CCAS""#),
        "{text}"
    );
    assert!(!text.contains("Cantine des collèges"));
}

#[tokio::test]
async fn pagination_walks_the_whole_list_without_gaps() {
    let app = spawn_app().await;
    let seeded =
        habilis::services::seed::seed_demandes(&mut app.conn(), &app.catalog, 400).unwrap();
    assert_eq!(seeded, 400);
    let admin = app.login_as("admin@habilis.example").await;
    let next = regex::Regex::new(r#"href="([^"]+)" rel="next""#).unwrap();
    for sort in ["soumise", "modifiee", "organisation", "intitule", "numero"] {
        let mut seen: Vec<i64> = Vec::new();
        let mut path = format!("/instruction?tri={sort}&ordre=asc");
        let mut pages = 0;
        loop {
            let page = admin.get(&path).await;
            assert_eq!(page.status, StatusCode::OK);
            let ids = listed(&page.body);
            assert!(ids.len() <= 50);
            seen.extend(&ids);
            pages += 1;
            match next.captures(&page.body) {
                Some(c) => path = c[1].replace("&#38;", "&").replace("&amp;", "&"),
                None => break,
            }
            assert!(pages < 20, "runaway pagination");
        }
        let total = seen.len();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), total, "no row twice when sorting by {sort}");
        // Everything but drafts and archived: the tabs' counts add up to what was walked.
        let first = admin.get("/instruction").await;
        let counts: i64 = [
            "submitted",
            "changes_requested",
            "validated",
            "refused",
            "revoked",
        ]
        .iter()
        .map(|state| {
            let re = regex::Regex::new(&format!(
                r#"etat={state}"[^>]*>[^<]+<span class="count">\((\d+)\)"#
            ))
            .unwrap();
            re.captures(&first.body)
                .map_or(0, |c| c[1].parse::<i64>().unwrap())
        })
        .sum();
        assert_eq!(total as i64, counts, "sorting by {sort}");
    }
}

#[tokio::test]
async fn the_habilitations_tab_sorts_them_by_status() {
    let w = world().await;
    let reporter = w.app.login_as("rapport@api-particulier.example").await;
    let page = reporter.get("/instruction/habilitations").await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains(r#"Actives <span class="count">(1)</span>"#);
    page.assert_contains(&format!(">D{}</a>", w.lyon_ccas));
    for status in ["expirant", "expiree", "revoquee", "remplacee"] {
        let page = reporter
            .get(&format!("/instruction/habilitations?statut={status}"))
            .await;
        assert_eq!(page.status, StatusCode::OK);
        page.assert_contains("Aucune habilitation dans cette catégorie.");
    }
    // Revoked: it moves tabs at once.
    let instructor = w.app.login_as("instruction@api-particulier.example").await;
    assert_eq!(
        instructor
            .decide(w.lyon_ccas, "revoquer", "Fin du projet")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let page = reporter
        .get("/instruction/habilitations?statut=revoquee")
        .await;
    page.assert_contains(&format!(">D{}</a>", w.lyon_ccas));
    page.assert_contains(r#"Actives <span class="count">(0)</span>"#);
    let page = reporter
        .get("/instruction/habilitations?statut=perimee&avant=-4")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    page.assert_contains("Statut inconnu « perimee » : habilitations actives.");
}

#[tokio::test]
async fn seeded_validated_demandes_hold_their_habilitation() {
    let app = spawn_app().await;
    habilis::services::seed::seed_demandes(&mut app.conn(), &app.catalog, 120).unwrap();
    let admin = app.login_as("admin@habilis.example").await;
    let validated = listed(&admin.get("/instruction?etat=validated").await.body);
    assert!(!validated.is_empty());
    for id in validated.iter().take(5) {
        let page = admin.get(&format!("/instruction/demandes/{id}")).await;
        page.assert_contains("Habilitation H");
        page.assert_contains("valable jusqu'au");
    }
}
