//! Stopping loses nothing. A graceful stop in the middle of submissions lets the requests in
//! flight finish and the worker finish the email in hand; the next instance sends the rest,
//! each once. A `kill -9` of a worker in the middle of a batch: restarted, it delivers every
//! email and webhook, the only duplicate being the one in flight, with the same Message-ID
//! or event id; stopped with SIGTERM, it finishes the row in hand and exits cleanly.

use std::collections::HashMap;

use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use habilis::config::Environment;
use habilis::db::schema::outbox;
use reqwest::StatusCode;

use crate::helpers::{spawn_app, spawn_instance, spawn_stoppable};
use crate::smtp_sink::SmtpSink;

const PROVIDER: &str = "api-particulier";
const MARIE: &str = "marie.dupont@mairie-lyon.fr";

fn smtp(port: &str) -> Vec<(&'static str, String)> {
    vec![
        ("HABILIS_SMTP_HOST", "127.0.0.1".to_string()),
        ("HABILIS_SMTP_PORT", port.to_string()),
        ("HABILIS_SMTP_TLS", "none".to_string()),
        ("HABILIS_WORKER", "true".to_string()),
        ("HABILIS_OUTBOX_POLL_MS", "20".to_string()),
    ]
}

fn message_ids(mails: &[crate::smtp_sink::Mail]) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for mail in mails {
        let id = mail.header("Message-ID").expect("a Message-ID");
        *seen.entry(id).or_insert(0) += 1;
    }
    seen
}

#[tokio::test]
async fn a_graceful_stop_finishes_requests_in_flight_and_loses_no_email() {
    let sink = SmtpSink::start().await;
    let settings = smtp(&sink.port.to_string());
    let extra: Vec<(&str, &str)> = settings.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (app, handle, running) = spawn_stoppable(Environment::Dev, &extra).await;
    let marie = app.login_as(MARIE).await;
    let mut drafts = Vec::new();
    for _ in 0..6 {
        drafts.push(app.complete_draft(&marie, PROVIDER).await);
    }
    let csrf = marie.get("/demandes").await.csrf();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let cookies = marie.cookies();
    let mut submits: FuturesUnordered<_> = drafts
        .iter()
        .map(|id| {
            let request = client
                .post(format!("{}/demandes/{id}/soumettre", app.address))
                .header(reqwest::header::COOKIE, &cookies)
                .form(&[("_csrf", csrf.as_str()), ("cgu", "oui")])
                .send();
            async move { (*id, request.await.map(|r| r.status())) }
        })
        .collect();
    // The first answer in, the server is told to stop while the others are under way.
    let mut answers = vec![submits.next().await.unwrap()];
    let (rest, ()) = tokio::join!(submits.collect::<Vec<_>>(), handle.stop(true));
    answers.extend(rest);
    running.await.unwrap().unwrap();
    assert_eq!(answers[0].1.as_ref().ok(), Some(&StatusCode::SEE_OTHER));

    // Each submission went through whole (submitted, its receipt written) or not at all.
    let rows = app.outbox();
    for (id, answer) in &answers {
        let demande = habilis::db::demandes::find(&mut app.conn(), *id)
            .unwrap()
            .unwrap();
        let receipts = rows
            .iter()
            .filter(|r| r.topic == "receipt" && r.demande_id == Some(*id))
            .count();
        match answer {
            Ok(StatusCode::SEE_OTHER) => {
                assert_eq!(
                    (demande.state.as_str(), receipts),
                    ("submitted", 1),
                    "D{id}"
                )
            }
            _ => assert_eq!((demande.state.as_str(), receipts), ("draft", 0), "D{id}"),
        }
    }
    // The stopped worker holds nothing: what it did not send waits, free, for the next one.
    let held: i64 = outbox::table
        .filter(outbox::delivered_at.is_null())
        .filter(outbox::locked_until.gt(habilis::services::now()))
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(held, 0);

    // The next instance sends the rest: every email once.
    spawn_instance(&app, Environment::Dev, &extra).await;
    let mails = sink.wait_for(rows.len()).await;
    let ids = message_ids(&mails);
    assert_eq!(ids.len(), rows.len());
    assert!(ids.values().all(|n| *n == 1), "{ids:?}");
}

#[tokio::test]
async fn a_worker_killed_mid_batch_delivers_everything_after_a_restart() {
    let app = spawn_app().await;
    let sink = SmtpSink::start_paced(std::time::Duration::from_millis(30)).await;
    let (hook_port, hooks) = crate::webhooks::receiver(0).await;
    // Forty emails and ten webhooks due now.
    let now = habilis::services::now();
    let mut conn = app.conn();
    let demande = {
        let marie = app.login_as(MARIE).await;
        app.submitted_demande(&marie, PROVIDER).await
    };
    let before = app.outbox().len();
    let hook_url = format!("http://127.0.0.1:{hook_port}/webhook");
    for n in 0..50 {
        let webhook = n % 5 == 0;
        let (subject, body) = (format!("Courriel n° {n}"), format!("{{\"n\":{n}}}"));
        habilis::db::outbox::insert(
            &mut conn,
            &habilis::db::outbox::NewOutboxRow {
                kind: if webhook {
                    habilis::db::outbox::Kind::Webhook.into()
                } else {
                    habilis::db::outbox::Kind::Email.into()
                },
                topic: if webhook { "submit" } else { "message" },
                demande_id: Some(demande),
                recipient: if webhook { &hook_url } else { "lot@exemple.fr" },
                subject: &subject,
                body_text: &body,
                body_html: "<p>lot</p>",
                unsubscribe_url: None,
                attempts: 0,
                next_attempt_at: now,
                created_at: now,
                secret_env: webhook.then_some("HABILIS_WEBHOOK_SECRET_TEST"),
            },
        )
        .unwrap();
    }
    drop(conn);
    let worker = || {
        app.cli()
            .env("HABILIS_SMTP_HOST", "127.0.0.1")
            .env("HABILIS_SMTP_PORT", sink.port.to_string())
            .env("HABILIS_SMTP_TLS", "none")
            .env("HABILIS_OUTBOX_POLL_MS", "20")
            .env("HABILIS_OUTBOX_LEASE_SECONDS", "1")
            .env("HABILIS_WEBHOOK_SECRET_TEST", crate::webhooks::SECRET)
            .env("HABILIS_SEED_DEMO", "false")
            .arg("worker")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    // Killed without warning once a few emails are out, in the middle of its batch.
    let mut first = worker();
    sink.wait_for(3).await;
    first.kill().unwrap();
    first.wait().unwrap();
    let sent_before_kill = sink.mails().len();
    assert!(sent_before_kill < before + 40, "killed before the end");

    // Restarted, it delivers everything; the row in flight at the kill may go twice, with
    // the same Message-ID (or event id), after its lease.
    let mut second = worker();
    let emails = before + 40;
    // Until every distinct Message-ID is in (a duplicate may come first).
    let mut count = emails;
    let mails = loop {
        let mails = sink.wait_for(count).await;
        if message_ids(&mails).len() >= emails {
            break mails;
        }
        count = mails.len() + 1;
    };
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    while hooks.lock().unwrap().len() < 10 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "webhooks not delivered"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // Stopped gracefully this time (SIGTERM, as `docker stop` sends): it finishes the email
    // in hand, records it, and exits cleanly.
    let term = std::process::Command::new("kill")
        .args(["-TERM", &second.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    // Waited for off this thread: the SMTP sink, on this test's runtime, must still answer.
    let exited = tokio::task::spawn_blocking(move || second.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(exited.success());
    let ids = message_ids(&mails);
    assert_eq!(ids.len(), emails, "every email arrived");
    let twice = ids.values().filter(|n| **n > 1).count();
    assert!(twice <= 1 && ids.values().all(|n| *n <= 2), "{ids:?}");
    let received = hooks.lock().unwrap().clone();
    let mut events: HashMap<String, usize> = HashMap::new();
    for hook in &received {
        assert!(hook.signature_ok);
        *events.entry(hook.event_id.clone()).or_insert(0) += 1;
    }
    assert_eq!(events.len(), 10, "every webhook arrived");
    let hooks_twice = events.values().filter(|n| **n > 1).count();
    assert!(
        twice + hooks_twice <= 1,
        "only the row in flight twice: {ids:?} {events:?}"
    );
    let left: i64 = outbox::table
        .filter(outbox::delivered_at.is_null())
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(left, 0);
}
