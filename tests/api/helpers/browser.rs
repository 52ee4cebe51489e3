//! Someone with a browser: keeps cookies, does not follow redirects, and reads pages as a
//! person does.

use std::sync::LazyLock;

use regex::Regex;
use reqwest::StatusCode;

/// A demo account on the dev login page: its id, then its email.
static DEMO_ACCOUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"name="user_id" value="(\d+)">\s*<h[23][^>]*>[^<]*</h[23]>\s*<p class="muted">([^<]+)</p>"#,
    )
    .unwrap()
});
static CSRF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"name="_csrf" value="([^"]+)""#).unwrap());
/// An answer to an eligibility question: the question's id, then the answer's value.
static QUESTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"type="radio" id="eligibilite-[^"]*" name="([a-z0-9_]+)" value="([a-z0-9_]+)""#)
        .unwrap()
});
/// The eligibility answers the form that starts a demande carries.
static ELIGIBILITY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"name="eligibilite" value="([^"]*)""#).unwrap());

pub struct Browser {
    pub client: reqwest::Client,
    pub address: String,
    pub(super) jar: std::sync::Arc<reqwest::cookie::Jar>,
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: String,
}

impl Page {
    /// The page's CSRF token.
    pub fn csrf(&self) -> String {
        CSRF.captures(&self.body)
            .map(|c| c[1].to_string())
            .expect("a form with a CSRF token")
    }

    /// The body with HTML entities decoded, as a person reads it.
    pub fn text(&self) -> String {
        self.body
            .replace("&#x27;", "'")
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&#34;", "\"")
            .replace("&lt;", "<")
            .replace("&#60;", "<")
            .replace("&gt;", ">")
            .replace("&#62;", ">")
            .replace("&#38;", "&")
            .replace("&amp;", "&")
    }

    pub fn assert_contains(&self, text: &str) {
        assert!(
            self.text().contains(text),
            "expected « {text} » in the page ({}):\n{}",
            self.status,
            self.body
        );
    }

    async fn read(response: reqwest::Response) -> Page {
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let headers = response.headers().clone();
        let body = response.text().await.unwrap_or_default();
        Page {
            status,
            location,
            headers,
            body,
        }
    }
}

/// The dev login page searching for this account: the generated demo accounts, and people a
/// test adds, are listed only in a search's results.
pub fn demo_login_path(email: &str) -> String {
    let encoded: String = email
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'@' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("/connexion?q={encoded}")
}

/// The id of a demo account, read from the dev login page.
pub fn demo_user_id(login_page: &Page, email: &str) -> String {
    DEMO_ACCOUNT
        .captures_iter(&login_page.body)
        .find(|c| &c[2] == email)
        .map(|c| c[1].to_string())
        .unwrap_or_else(|| panic!("no demo account {email}"))
}

impl Browser {
    pub fn new(address: &str) -> Browser {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let client = reqwest::Client::builder()
            .cookie_provider(jar.clone())
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Browser {
            client,
            address: address.to_string(),
            jar,
        }
    }

    /// The cookies this browser sends (as a `Cookie` header).
    pub fn cookies(&self) -> String {
        use reqwest::cookie::CookieStore;
        let url: reqwest::Url = self.address.parse().unwrap();
        self.jar
            .cookies(&url)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    }

    /// Signs in with the dev login as the demo account with this email.
    pub async fn sign_in_as(&self, email: &str) {
        let page = self.get(&demo_login_path(email)).await;
        let id = demo_user_id(&page, email);
        let done = self
            .post(
                "/connexion/demo",
                &[("_csrf", &page.csrf()), ("user_id", &id)],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
    }

    pub async fn get(&self, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{}{path}", self.address))
            .send()
            .await
            .expect("GET");
        Page::read(response).await
    }

    pub async fn post(&self, path: &str, pairs: &[(&str, &str)]) -> Page {
        let response = self
            .client
            .post(format!("{}{path}", self.address))
            .form(pairs)
            .send()
            .await
            .expect("POST");
        Page::read(response).await
    }

    /// Posts a raw body (for malformed input).
    pub async fn post_raw(&self, path: &str, body: Vec<u8>) -> Page {
        let response = self
            .client
            .post(format!("{}{path}", self.address))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("POST");
        Page::read(response).await
    }

    /// Starts a demande and returns its id.
    pub async fn start_demande(&self, provider: &str, template: &str) -> i64 {
        let page = self.eligible_new_page(provider).await;
        let eligibility = ELIGIBILITY
            .captures(&page.body)
            .map(|c| c[1].to_string())
            .unwrap_or_default();
        let done = self
            .post(
                "/demandes",
                &[
                    ("_csrf", &page.csrf()),
                    ("provider", provider),
                    ("template", template),
                    ("eligibilite", &eligibility),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        let location = done.location.unwrap();
        let id = location
            .trim_start_matches("/demandes/")
            .trim_end_matches("/etapes/1");
        id.parse()
            .unwrap_or_else(|_| panic!("unexpected redirect {location}"))
    }

    /// The page that starts a demande of `provider`, its eligibility questions (if any) answered
    /// one by one with their first answer: the shipped providers list the one that leads on first.
    pub async fn eligible_new_page(&self, provider: &str) -> Page {
        let mut path = format!("/demandes/nouvelle/{provider}");
        for _ in 0..10 {
            let page = self.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            let mut answers: Vec<(String, String)> = Vec::new();
            for c in QUESTION.captures_iter(&page.body) {
                if !answers.iter().any(|(name, _)| name == &c[1]) {
                    answers.push((c[1].to_string(), c[2].to_string()));
                }
            }
            if answers.is_empty() {
                return page;
            }
            let query: Vec<String> = answers.iter().map(|(n, v)| format!("{n}={v}")).collect();
            path = format!("/demandes/nouvelle/{provider}?{}", query.join("&"));
        }
        panic!("the eligibility questions of {provider} never lead to its form");
    }

    /// Posts a step of the form with the page's token.
    pub async fn fill(&self, id: i64, step: usize, pairs: &[(String, String)]) -> Page {
        let path = format!("/demandes/{id}/etapes/{step}");
        let csrf = self.get(&path).await.csrf();
        let mut body: Vec<(&str, &str)> = vec![("_csrf", &csrf), ("_action", "enregistrer")];
        body.extend(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        self.post(&path, &body).await
    }

    /// Posts a step as a browser does when it has file inputs (multipart), with the page's
    /// token, the typed pairs and the files: (input name, file name, bytes).
    pub async fn send_files(
        &self,
        id: i64,
        step: usize,
        pairs: &[(&str, &str)],
        files: &[(&str, &str, Vec<u8>)],
    ) -> Page {
        let path = format!("/demandes/{id}/etapes/{step}");
        let csrf = self.get(&path).await.csrf();
        let mut form = reqwest::multipart::Form::new().text("_csrf", csrf);
        for (k, v) in pairs {
            form = form.text(k.to_string(), v.to_string());
        }
        for (input, name, bytes) in files {
            // Browsers say what the name suggests; the portal reads the bytes instead.
            let part = reqwest::multipart::Part::bytes(bytes.clone())
                .file_name(name.to_string())
                .mime_str("application/pdf")
                .unwrap();
            form = form.part(input.to_string(), part);
        }
        let response = self
            .client
            .post(format!("{}{path}", self.address))
            .multipart(form)
            .send()
            .await
            .expect("POST multipart");
        Page::read(response).await
    }

    pub async fn submit(&self, id: i64, accept_cgu: bool) -> Page {
        let csrf = self.get("/demandes").await.csrf();
        let mut body = vec![("_csrf", csrf.as_str())];
        if accept_cgu {
            body.push(("cgu", "oui"));
        }
        self.post(&format!("/demandes/{id}/soumettre"), &body).await
    }

    /// An instructor's decision: "valider", "refuser", "demander-modifications", "archiver".
    pub async fn decide(&self, id: i64, action: &str, reason: &str) -> Page {
        let csrf = self.get("/instruction").await.csrf();
        self.post(
            &format!("/instruction/demandes/{id}/{action}"),
            &[("_csrf", &csrf), ("reason", reason)],
        )
        .await
    }

    /// Saves the notification choices: exactly the "provider:kind" pairs given are on.
    pub async fn choose_notifications(&self, on: &[&str]) -> Page {
        let csrf = self.get("/compte/notifications").await.csrf();
        let mut body = vec![("_csrf", csrf.as_str())];
        body.extend(on.iter().map(|pair| ("on", *pair)));
        self.post("/compte/notifications", &body).await
    }
}
