//! The register page (`/register`) as CEC staff use it: a register extract uploaded over real
//! multipart and imported by a background job whose page is polled until it is done; a bad row
//! named by its line with nothing imported; an upload previewed and imported only on the
//! confirmation of its difference, a removal beyond the limit only with the limit overridden by
//! name (VOT-11 guard), an unknown settlement named at its line; one job at a time (409); TEC
//! and PEC staff who may neither look nor act (403); CSRF; and the lists' steps against the
//! calendar (CAL-02, CAL-04, CAL-12), after which nothing compiles or re-imports.

use crate::common::{self, Client, PASSWORD, Reply, TestApp, hidden};
use axum::body::{Body, Bytes};
use axum::http::{Request, StatusCode, header};
use jiff::Timestamp;
use shailoo_domain::ElectionId;
use shailoo_generator::{Generator, Scale};
use shailoo_web::{AppState, Config, Lang};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tempfile::TempDir;

/// The small dataset's register extract, as `shailoo generate` writes it, with the manifest's
/// counts of persons and of eligible persons (the oracle for the compile).
struct Extract {
    csv: Vec<u8>,
    persons: u64,
    eligible: u64,
}

fn extract() -> &'static Extract {
    static EXTRACT: OnceLock<Extract> = OnceLock::new();
    EXTRACT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        // The same (scale, seed) as the fixture's setup, so that the addresses map to stations.
        let summary = shailoo_generator::write_dataset(
            &Generator::new(Scale::Small, 2024),
            dir.path(),
            |_| {},
        )
        .unwrap();
        Extract {
            csv: std::fs::read(dir.path().join(shailoo_formats::files::REGISTER)).unwrap(),
            persons: summary.counts.persons,
            eligible: summary.counts.eligible_persons,
        }
    })
}

/// The extract with the field `column` of line `line` (1 = the header) replaced.
fn with_bad_field(line: usize, column: usize, value: &str) -> Vec<u8> {
    let text = String::from_utf8(extract().csv.clone()).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut fields: Vec<&str> = lines[line - 1].split(',').collect();
    fields[column] = value;
    lines[line - 1] = fields.join(",");
    let mut out = lines.join("\n");
    out.push('\n');
    out.into_bytes()
}

/// The fixture with a clock the test moves and uploads spooled into a directory it watches.
struct World {
    app: TestApp,
    clock: Arc<AtomicI64>,
    uploads: TempDir,
}

impl World {
    async fn new() -> World {
        World::on(common::app().await)
    }

    fn on(mut app: TestApp) -> World {
        let clock = Arc::new(AtomicI64::new(common::fixed_now().as_second()));
        let uploads = tempfile::tempdir().unwrap();
        let read = clock.clone();
        let state = AppState::new(app.store.clone(), Config::default())
            .with_clock(move || Timestamp::from_second(read.load(Ordering::SeqCst)).unwrap())
            .with_upload_dir(uploads.path());
        app.router = shailoo_web::router(state);
        World {
            app,
            clock,
            uploads,
        }
    }

    /// Sets "now", Bishkek time (`2024-09-23T00:00`), and logs the CEC admin in afresh (a
    /// session lasts 12 hours): the client and its CSRF token.
    async fn admin_at(&self, bishkek: &str) -> (Client, String) {
        let t: Timestamp = format!("{bishkek}:00+06:00").parse().unwrap();
        self.clock.store(t.as_second(), Ordering::SeqCst);
        let mut admin = self.client("admin").await;
        let token = csrf(&mut admin).await;
        (admin, token)
    }

    async fn client(&self, username: &str) -> Client {
        let mut c = Client::new(&self.app);
        let r = c.login(username, PASSWORD).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "log-in of {username}");
        c
    }

    fn leftover_uploads(&self) -> usize {
        std::fs::read_dir(self.uploads.path()).unwrap().count()
    }

    fn election() -> ElectionId {
        ElectionId::parse("local-2024").unwrap()
    }
}

/// The page's CSRF token.
async fn csrf(c: &mut Client) -> String {
    let page = c.get("/register").await;
    assert_eq!(page.status, StatusCode::OK);
    let token = hidden(&page.body, "csrf");
    assert!(!token.is_empty());
    token
}

const BOUNDARY: &str = "----shailoo-test-boundary-7MA4YWxkTrZu0gW";

/// The start of a multipart body: text fields, then the head of the file part.
fn multipart_head(fields: &[(&str, &str)], file_name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in fields {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    out.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n"
        )
        .as_bytes(),
    );
    out
}

fn multipart_tail() -> Vec<u8> {
    format!("\r\n--{BOUNDARY}--\r\n").into_bytes()
}

fn upload_request(body: Body, length: Option<usize>) -> Request<Body> {
    let mut req = Request::post("/register/import?lang=en").header(
        header::CONTENT_TYPE,
        format!("multipart/form-data; boundary={BOUNDARY}"),
    );
    if let Some(n) = length {
        req = req.header(header::CONTENT_LENGTH, n);
    }
    req.body(body).unwrap()
}

/// Uploads `csv` as a browser submits the form: csrf, election, compile, then the file.
async fn upload(c: &mut Client, csrf: &str, csv: &[u8], compile: bool) -> Reply {
    let mut fields = vec![("csrf", csrf), ("election", "local-2024")];
    if compile {
        fields.push(("compile", "1"));
    }
    let mut body = multipart_head(&fields, "register.csv");
    body.extend_from_slice(csv);
    body.extend_from_slice(&multipart_tail());
    let n = body.len();
    c.send(upload_request(Body::from(body), Some(n))).await
}

/// The job a POST started, from its redirect.
fn job_of(r: &Reply) -> String {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let to = r.location().unwrap();
    assert!(to.starts_with("/register/jobs/"), "{to}");
    to.to_owned()
}

/// Polls a job's page until it has finished; returns the final page (English).
async fn finished(c: &mut Client, job: &str) -> String {
    for _ in 0..1200 {
        let page = c.get(&format!("{job}?lang=en")).await;
        assert_eq!(page.status, StatusCode::OK);
        if !page.body.contains("data-state=\"running\"") {
            assert!(!page.body.contains("http-equiv=\"refresh\""));
            return page.body;
        }
        assert!(
            page.body
                .contains("<meta http-equiv=\"refresh\" content=\"2\">")
        );
        assert!(page.body.contains("<progress"));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{job} did not finish within a minute");
}

fn count_in(html: &str, label: &str) -> u64 {
    let row = format!("<th scope=\"row\">{label}</th><td class=\"num\">");
    html.split(&row)
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count {label:?} in the page"))
}

/// Uploads `csv` and waits for its preview: the preview job's path and its finished page.
async fn previewed(c: &mut Client, token: &str, csv: &[u8], compile: bool) -> (String, String) {
    let job = job_of(&upload(c, token, csv, compile).await);
    let page = finished(c, &job).await;
    (job, page)
}

/// Posts the confirmation form of a preview's `page` (`override_limit`: the value of the
/// override checkbox, when ticked).
async fn confirm(c: &mut Client, job: &str, page: &str, override_limit: Option<&str>) -> Reply {
    let token = hidden(page, "csrf");
    let difference = hidden(page, "difference");
    let mut fields = vec![
        ("csrf", token.as_str()),
        ("difference", difference.as_str()),
    ];
    if let Some(value) = override_limit {
        fields.push(("override", value));
    }
    c.post_form(&format!("{job}/confirm?lang=en"), &fields)
        .await
}

/// Uploads `csv`, confirms the difference its preview shows, and waits for the import: the
/// import job's finished page.
async fn imported(c: &mut Client, token: &str, csv: &[u8], compile: bool) -> String {
    let (job, preview) = previewed(c, token, csv, compile).await;
    assert!(preview.contains("data-state=\"previewed\""), "{preview}");
    let import = job_of(&confirm(c, &job, &preview, None).await);
    finished(c, &import).await
}

#[tokio::test]
async fn an_uploaded_extract_is_imported_and_compiled_with_progress_and_counts() {
    let w = World::new().await;
    let mut admin = w.client("admin").await;
    let token = csrf(&mut admin).await;
    let (job, preview) = previewed(&mut admin, &token, &extract().csv, true).await;
    let persons = extract().persons;
    // The preview: the difference, nothing stored, the file kept for the confirmation.
    assert!(preview.contains("data-state=\"previewed\""), "{preview}");
    assert!(preview.contains("nothing is imported yet"), "{preview}");
    assert_eq!(count_in(&preview, "Persons in the register now"), 0);
    assert_eq!(count_in(&preview, "Added"), persons);
    assert!(preview.contains("id=\"confirm-form\""));
    assert!(!preview.contains("name=\"override\""));
    assert!(w.app.store.register_imports(5).await.unwrap().is_empty());
    assert_eq!(w.app.store.register_count().await.unwrap(), 0);
    assert_eq!(w.leftover_uploads(), 1);
    let import = job_of(&confirm(&mut admin, &job, &preview, None).await);
    let page = finished(&mut admin, &import).await;
    assert!(page.contains("data-state=\"done\""), "{page}");
    assert!(page.contains("Imported as import #1"));
    assert!(page.contains("File received: "));
    assert_eq!(count_in(&page, "Added"), persons);
    assert_eq!(count_in(&page, "Persons in the register"), persons);
    assert_eq!(count_in(&page, "Changed"), 0);
    // The generator's own count of eligible persons (VOT-01…VOT-05) is the oracle.
    assert_eq!(count_in(&page, "Voters on the lists"), extract().eligible);
    // The reasons read as sentences with their rule, never as raw codes.
    let reasons = page
        .split("id=\"job-reasons\"")
        .nth(1)
        .expect("the reasons table");
    let under_age = format!("{} (VOT-02)", Lang::En.t("voter-vot-02-under-age"));
    assert!(reasons.contains(&under_age), "{reasons}");
    assert!(!reasons.contains("VOT-02_under_age"), "{reasons}");

    // What the store recorded: the import by the staff member, the lists compiled from it.
    let imports = w.app.store.register_imports(5).await.unwrap();
    assert_eq!(imports.len(), 1);
    assert_eq!(imports[0].actor, "admin");
    assert_eq!(imports[0].source, "register.csv");
    assert_eq!(imports[0].added, persons);
    let state = w
        .app
        .store
        .voter_list_state(&World::election())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(state.eligible, extract().eligible);
    assert_eq!(state.register_import, Some(1));

    // The status page shows the import and the lists; the temporary file is gone.
    let status = admin.get("/register?lang=en").await;
    assert!(status.body.contains("data-import=\"1\""));
    assert!(status.body.contains(&format!(
        "<td class=\"num\" data-count=\"added\">{persons}</td>"
    )));
    assert!(status.body.contains(&format!(
        "<dd data-count=\"eligible\">{}</dd>",
        extract().eligible
    )));
    assert_eq!(w.leftover_uploads(), 0);

    // A newer extract: one person changed, one gone. The differences are recorded.
    let text = String::from_utf8(extract().csv.clone()).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.remove(2);
    // The last column (imprisoned) flipped.
    let (head, last) = lines[1].rsplit_once(',').unwrap();
    let changed = format!("{head},{}", if last == "true" { "false" } else { "true" });
    lines[1] = &changed;
    let newer = format!("{}\n", lines.join("\n"));
    let (job, preview) = previewed(&mut admin, &token, newer.as_bytes(), false).await;
    assert_eq!(count_in(&preview, "Persons in the register now"), persons);
    assert_eq!(count_in(&preview, "Removed"), 1);
    assert_eq!(count_in(&preview, "Changed"), 1);
    assert_eq!(count_in(&preview, "Unchanged"), persons - 2);
    assert_eq!(w.app.store.register_imports(5).await.unwrap().len(), 1);
    let import = job_of(&confirm(&mut admin, &job, &preview, None).await);
    let page = finished(&mut admin, &import).await;
    assert!(page.contains("Imported as import #2"), "{page}");
    assert_eq!(count_in(&page, "Removed"), 1);
    assert_eq!(count_in(&page, "Changed"), 1);
    assert_eq!(count_in(&page, "Unchanged"), persons - 2);
    assert_eq!(w.leftover_uploads(), 0);
    // The lists compiled with the first import were compiled again with the second.
    let state = w
        .app
        .store
        .voter_list_state(&World::election())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(state.register_import, Some(2));

    // A preview is confirmed once: its file is gone with the import.
    let again = confirm(&mut admin, &job, &preview, None).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again.body.contains("no longer waits for confirmation"),
        "{}",
        again.body
    );
    assert_eq!(w.app.store.register_imports(5).await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_bad_row_names_its_line_and_nothing_is_imported() {
    let w = World::new().await;
    let mut admin = w.client("admin").await;
    let token = csrf(&mut admin).await;
    let page = imported(&mut admin, &token, &extract().csv, false).await;
    assert!(page.contains("data-state=\"done\""), "{page}");
    let persons = w.app.store.register_count().await.unwrap();

    // Line 42 (the header is line 1): a birth date that is no date.
    let bad = with_bad_field(42, 5, "1990-13-45");
    let job = job_of(&upload(&mut admin, &token, &bad, true).await);
    let page = finished(&mut admin, &job).await;
    assert!(page.contains("data-state=\"failed\""), "{page}");
    assert!(
        page.contains("Line 42, column birth_date: “1990-13-45” is not a date written YYYY-MM-DD"),
        "{page}"
    );
    assert!(page.contains("Nothing was imported: the register is as it was before."));
    // Nothing half-imported: one import in the history, the same register, no lists.
    assert_eq!(w.app.store.register_imports(5).await.unwrap().len(), 1);
    assert_eq!(w.app.store.register_count().await.unwrap(), persons);
    assert!(
        w.app
            .store
            .voter_list_state(&World::election())
            .await
            .unwrap()
            .is_none_or(|s| s.compiled_at.is_none())
    );
    assert_eq!(w.leftover_uploads(), 0);

    // Kyrgyz, the default language, names the line too.
    let ky = admin.get(&format!("{job}?lang=ky")).await;
    assert!(
        ky.body.contains("42-сап, birth_date тилкеси"),
        "{}",
        ky.body
    );
    assert!(ky.body.contains("Эч нерсе жүктөлгөн жок"));
}

#[tokio::test]
async fn a_second_job_while_one_runs_is_refused_with_409() {
    let w = World::new().await;
    let mut admin = w.client("admin").await;
    let token = csrf(&mut admin).await;

    // The first upload arrives slowly: its body is fed through a channel.
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let stream = futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let csv = &extract().csv;
    let head = multipart_head(&[("csrf", &token), ("election", "local-2024")], "slow.csv");
    let total = head.len() + csv.len() + multipart_tail().len();
    let (first_half, second_half) = csv.split_at(csv.len() / 2);
    tx.send(Ok(Bytes::from(head))).await.unwrap();
    tx.send(Ok(Bytes::copy_from_slice(first_half)))
        .await
        .unwrap();
    let mut slow = admin.clone();
    let first = tokio::spawn(async move {
        slow.send(upload_request(Body::from_stream(stream), Some(total)))
            .await
    });

    // The job exists while its file is still arriving, and its page shows the upload.
    let mut receiving = None;
    for _ in 0..400 {
        let page = admin.get("/register/jobs/1?lang=en").await;
        if page.status == StatusCode::OK && page.body.contains("MB received") {
            receiving = Some(page.body);
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let receiving = receiving.expect("the first job is receiving its file");
    assert!(receiving.contains("Receiving the file"), "{receiving}");
    assert!(receiving.contains("<meta http-equiv=\"refresh\" content=\"2\">"));
    assert!(receiving.contains("<progress max=\"100\" value=\""));

    let second = upload(&mut admin, &token, csv, false).await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert!(
        second
            .body
            .contains("Another import or compilation is running."),
        "{}",
        second.body
    );
    let compile = admin
        .post_form(
            "/register/compile?lang=en",
            &[("csrf", &token), ("election", "local-2024")],
        )
        .await;
    assert_eq!(compile.status, StatusCode::CONFLICT);

    // The first upload completes and is imported alone.
    tx.send(Ok(Bytes::copy_from_slice(second_half)))
        .await
        .unwrap();
    tx.send(Ok(Bytes::from(multipart_tail()))).await.unwrap();
    drop(tx);
    let reply = first.await.unwrap();
    assert_eq!(job_of(&reply), "/register/jobs/1");
    let preview = finished(&mut admin, "/register/jobs/1").await;
    let import = job_of(&confirm(&mut admin, "/register/jobs/1", &preview, None).await);
    let page = finished(&mut admin, &import).await;
    assert!(page.contains("Imported as import #1"), "{page}");
    assert_eq!(w.app.store.register_imports(5).await.unwrap().len(), 1);
    assert_eq!(
        w.app.store.register_count().await.unwrap(),
        extract().persons
    );
}

#[tokio::test]
async fn the_register_is_the_cecs_desk_tec_and_pec_staff_may_neither_look_nor_act() {
    let w = World::new().await;
    let mut public = Client::new(&w.app);
    let r = public.get("/register").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().starts_with("/login"));

    let mut tec = w.client("tec.one").await;
    let page = tec.get("/register?lang=en").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let home = tec.get("/?lang=en").await;
    assert!(!home.body.contains("href=\"/register\""), "not in the menu");
    let token = hidden(&home.body, "csrf");
    assert!(!token.is_empty());
    for (path, fields) in [
        (
            "/register/steps",
            vec![("csrf", token.as_str()), ("step", "published")],
        ),
        ("/register/compile", vec![("csrf", token.as_str())]),
        ("/register/jobs/1/confirm", vec![("csrf", token.as_str())]),
    ] {
        let r = tec.post_form(path, &fields).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}");
    }
    let r = upload(&mut tec, &token, &extract().csv, false).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut pec = w.client("pec.one").await;
    assert_eq!(pec.get("/register").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        pec.get("/register/jobs/1").await.status,
        StatusCode::FORBIDDEN
    );
    assert!(w.app.store.register_imports(5).await.unwrap().is_empty());
    assert_eq!(w.leftover_uploads(), 0);
}

#[tokio::test]
async fn posts_without_the_csrf_token_or_without_multipart_are_refused() {
    let w = World::new().await;
    let mut admin = w.client("admin").await;
    let token = csrf(&mut admin).await;
    let r = admin
        .post_form("/register/steps", &[("step", "published")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = admin
        .post_form("/register/compile", &[("csrf", "forged")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = admin
        .post_form("/register/jobs/1/confirm", &[("difference", "")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // An upload whose token is missing: refused before any byte of the file is stored.
    let r = upload(&mut admin, "", &extract().csv, false).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        admin.get("/register/jobs/1").await.status,
        StatusCode::NOT_FOUND
    );
    // A form that is not multipart.
    let r = admin
        .post_form("/register/import?lang=en", &[("csrf", &token)])
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(r.body.contains("multipart/form-data"));
    // Multipart without a file.
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n--{BOUNDARY}--\r\n"
        )
        .as_bytes(),
    );
    let n = body.len();
    let r = admin.send(upload_request(Body::from(body), Some(n))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Choose a register file"));
    assert!(w.app.store.register_imports(5).await.unwrap().is_empty());
    assert!(
        w.app
            .store
            .voter_list_state(&World::election())
            .await
            .unwrap()
            .is_none_or(|s| s.published_at.is_none())
    );
    assert_eq!(w.leftover_uploads(), 0);
}

/// Compiles the lists through the page's "compile now" job.
async fn compile(w: &World, admin: &mut Client, token: &str) -> String {
    let job = job_of(
        &admin
            .post_form(
                "/register/compile",
                &[("csrf", token), ("election", "local-2024")],
            )
            .await,
    );
    let page = finished(admin, &job).await;
    assert!(page.contains("data-state") && w.leftover_uploads() == 0);
    page
}

async fn take(admin: &mut Client, token: &str, step: &str) -> Reply {
    let r = admin
        .post_form(
            "/register/steps?lang=en",
            &[("csrf", token), ("election", "local-2024"), ("step", step)],
        )
        .await;
    assert!(!r.location().is_some_and(|l| l.starts_with("/login")));
    r
}

#[tokio::test]
async fn cal_02_the_preliminary_lists_are_published_from_cal_02_and_a_late_posting_shows() {
    let w = World::new().await;
    let mut admin = w.client("admin").await;
    let token = csrf(&mut admin).await;
    let page = imported(&mut admin, &token, &extract().csv, true).await;
    assert!(page.contains("data-state=\"done\""), "{page}");

    // 22 September, 23:59: CAL-02 opens at midnight.
    let (mut admin, token) = w.admin_at("2024-09-22T23:59").await;
    let page = admin.get("/register?lang=en").await;
    assert!(
        page.body.contains("from 23.09.2024 00:00 (CAL-02)"),
        "{}",
        page.body
    );
    let r = take(&mut admin, &token, "published").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("(CAL-02)"), "{}", r.body);
    assert!(r.body.contains("not open yet"));
    let state = w.app.store.voter_list_state(&World::election()).await;
    assert_eq!(state.unwrap().unwrap().published_at, None);

    let (mut admin, token) = w.admin_at("2024-09-23T00:00").await;
    let r = take(&mut admin, &token, "published").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location(),
        Some("/register?election=local-2024&done=published")
    );
    let again = take(&mut admin, &token, "published").await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("already been taken"));

    // Posting was due by the end of CAL-04 (28 September): recorded, and shown as late.
    let (mut admin, token) = w.admin_at("2024-09-30T10:00").await;
    let r = take(&mut admin, &token, "posted").await;
    assert_eq!(
        r.location(),
        Some("/register?election=local-2024&done=posted_late")
    );
    let page = admin.get(r.location().unwrap()).await;
    assert!(page.body.contains("is recorded, late"));
    assert!(
        page.body
            .contains("late: it was due by 29.09.2024 00:00 (CAL-04)"),
        "{}",
        page.body
    );
    let state = w
        .app
        .store
        .voter_list_state(&World::election())
        .await
        .unwrap()
        .unwrap();
    assert!(state.published_at.is_some() && state.posted_at.is_some());
}

#[tokio::test]
async fn cal_12_the_final_lists_are_frozen_only_after_cal_12_and_never_recompiled() {
    let w = World::new().await;
    let mut admin = w.client("admin").await;
    let token = csrf(&mut admin).await;
    let page = imported(&mut admin, &token, &extract().csv, false).await;
    assert!(page.contains("Imported as import #1"), "{page}");
    let page = compile(&w, &mut admin, &token).await;
    assert!(page.contains("The voter lists are compiled"), "{page}");
    assert_eq!(count_in(&page, "Voters on the lists"), extract().eligible);

    let (mut admin, token) = w.admin_at("2024-09-24T09:00").await;
    assert_eq!(
        take(&mut admin, &token, "published").await.status,
        StatusCode::SEE_OTHER
    );
    // Remote-voting applications still open until the end of CAL-12 (1 November).
    let (mut admin, token) = w.admin_at("2024-11-01T23:00").await;
    let r = take(&mut admin, &token, "frozen").await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("(CAL-12)"), "{}", r.body);
    let (mut admin, token) = w.admin_at("2024-11-02T09:00").await;
    let r = take(&mut admin, &token, "frozen").await;
    assert_eq!(
        r.location(),
        Some("/register?election=local-2024&done=frozen")
    );
    let page = admin
        .get(&format!("{}&lang=en", r.location().unwrap()))
        .await;
    assert!(page.body.contains("can no longer change"), "{}", page.body);
    assert!(
        page.body
            .contains("<dd data-state=\"frozen\">02.11.2024 09:00</dd>")
    );
    let state = w
        .app
        .store
        .voter_list_state(&World::election())
        .await
        .unwrap()
        .unwrap();
    assert!(state.frozen_at.is_some());

    // Final lists are not compiled again: the job fails, naming the rule, and changes nothing.
    let page = compile(&w, &mut admin, &token).await;
    assert!(page.contains("data-state=\"failed\""), "{page}");
    assert!(
        page.contains(
            "Compiling the voter lists from the register closed at 02.11.2024 00:00. (CAL-12)"
        ),
        "{page}"
    );
    assert!(page.contains("Nothing was changed"));
    let after = w
        .app
        .store
        .voter_list_state(&World::election())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.compiled_at, state.compiled_at);
}

#[tokio::test]
async fn a_nul_or_an_override_in_the_extract_is_named_by_its_line_on_both_engines() {
    let header = String::from_utf8(extract().csv.clone()).unwrap();
    let header = header
        .lines()
        .next()
        .unwrap()
        .split(',')
        .collect::<Vec<_>>();
    let surname = header.iter().position(|c| *c == "surname").unwrap();
    let street = header.iter().position(|c| *c == "street").unwrap();
    for app in common::apps_on_both_engines().await {
        let engine = app.engine;
        let w = World::on(app);
        let (mut admin, token) = w.admin_at("2024-09-23T10:00").await;
        let persons = w.app.store.register_count().await.unwrap();
        // A NUL used to reach PostgreSQL's COPY, which named no line of the file.
        for (line, column, value, named) in [
            (7, surname, "Асан\0ов", "surname"),
            (50, street, "\u{202E}Манас", "street"),
        ] {
            let bad = with_bad_field(line, column, value);
            let job = job_of(&upload(&mut admin, &token, &bad, true).await);
            let page = finished(&mut admin, &job).await;
            assert!(page.contains("data-state=\"failed\""), "{engine}: {page}");
            assert!(
                page.contains(&format!("Line {line}, column {named}: the text holds U+")),
                "{engine}: {page}"
            );
            assert_eq!(
                w.app.store.register_count().await.unwrap(),
                persons,
                "{engine}: nothing imported"
            );
        }
    }
}

/// The extract's header line alone: the review's "empty" upload.
fn header_only() -> Vec<u8> {
    let text = String::from_utf8(extract().csv.clone()).unwrap();
    format!("{}\n", text.lines().next().unwrap()).into_bytes()
}

#[tokio::test]
async fn vot_11_an_extract_that_empties_the_register_needs_the_limit_overridden_by_name() {
    let w = World::new().await;
    let mut admin = w.client("admin").await;
    let token = csrf(&mut admin).await;
    imported(&mut admin, &token, &extract().csv, true).await;
    let persons = extract().persons;
    let eligible = extract().eligible;

    let (job, preview) = previewed(&mut admin, &token, &header_only(), false).await;
    assert_eq!(count_in(&preview, "Removed"), persons);
    assert_eq!(
        count_in(&preview, "Persons in the register after the import"),
        0
    );
    assert!(
        preview.contains(&format!(
            "This extract removes {persons} of the {persons} persons in the register: more \
             than the limit of 5 % (register_removal_limit_percent)"
        )),
        "{preview}"
    );
    assert!(preview.contains("name=\"override\" value=\"register_removal_limit_percent\""));
    // An override that names something else is no override.
    let r = confirm(&mut admin, &job, &preview, Some("everything")).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // Confirmed without the override: refused before anything is taken or imported.
    let refused = confirm(&mut admin, &job, &preview, None).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.body.contains(
            "The import would remove more of the register than the limit \
             register_removal_limit_percent allows. Nothing was imported"
        ),
        "{}",
        refused.body
    );
    assert_eq!(w.app.store.register_count().await.unwrap(), persons);
    assert_eq!(w.app.store.register_imports(5).await.unwrap().len(), 1);
    let lists = w.app.store.voter_list_state(&World::election()).await;
    assert_eq!(lists.unwrap().unwrap().eligible, eligible);

    // The same preview, still waiting (no second upload), confirmed with the limit overridden
    // by name: the register is emptied, and the lists compiled from it with it.
    let again = admin.get(&job).await.body;
    assert!(again.contains("id=\"confirm-form\""), "{again}");
    let overridden = Some("register_removal_limit_percent");
    let import = job_of(&confirm(&mut admin, &job, &again, overridden).await);
    let page = finished(&mut admin, &import).await;
    assert!(page.contains("Imported as import #2"), "{page}");
    assert_eq!(w.app.store.register_count().await.unwrap(), 0);
    let lists = w.app.store.voter_list_state(&World::election()).await;
    assert_eq!(lists.unwrap().unwrap().eligible, 0);
    assert_eq!(w.leftover_uploads(), 0);
}

#[tokio::test]
async fn vot_04_a_settlement_the_setup_does_not_know_names_its_line_and_nothing_is_imported() {
    let w = World::new().await;
    let mut admin = w.client("admin").await;
    let token = csrf(&mut admin).await;
    // Line 42 (the header is line 1) names a settlement the election's setup does not have.
    let bad = with_bad_field(42, 8, "atlantis");
    let (_, page) = previewed(&mut admin, &token, &bad, false).await;
    assert!(page.contains("data-state=\"failed\""), "{page}");
    assert!(
        page.contains("Line 42, column settlement: “atlantis” is not a settlement of the election"),
        "{page}"
    );
    assert!(!page.contains("id=\"confirm-form\""));
    assert!(w.app.store.register_imports(5).await.unwrap().is_empty());
    assert_eq!(w.app.store.register_count().await.unwrap(), 0);
    assert_eq!(w.leftover_uploads(), 0);
    let ky = admin.get("/register/jobs/1?lang=ky").await;
    assert!(
        ky.body.contains("42-сап, settlement тилкеси"),
        "{}",
        ky.body
    );
    assert!(ky.body.contains("калктуу конуш эмес"));
}

#[tokio::test]
async fn cal_12_on_voting_day_neither_a_compile_nor_a_reimport_and_the_rule_is_named() {
    let w = World::new().await;
    let mut admin = w.client("admin").await;
    let token = csrf(&mut admin).await;
    imported(&mut admin, &token, &extract().csv, true).await;
    let before = w.app.store.voter_list_state(&World::election()).await;

    let (mut admin, token) = w.admin_at("2024-11-17T10:00").await;
    let closed = "Compiling the voter lists from the register closed at 02.11.2024 00:00. (CAL-12)";
    let page = compile(&w, &mut admin, &token).await;
    assert!(page.contains("data-state=\"failed\""), "{page}");
    assert!(page.contains(closed), "{page}");
    // The review's voting-day upload, its header alone: refused at its preview already.
    let (job, page) = previewed(&mut admin, &token, &header_only(), false).await;
    assert!(page.contains("data-state=\"failed\""), "{page}");
    assert!(page.contains(closed), "{page}");
    assert!(!page.contains("id=\"confirm-form\""));
    let ru = admin.get(&format!("{job}?lang=ru")).await;
    assert!(
        ru.body
            .contains("Составление списков избирателей из реестра"),
        "{}",
        ru.body
    );
    assert!(ru.body.contains("(CAL-12)"));
    let ky = admin.get(&format!("{job}?lang=ky")).await;
    assert!(
        ky.body
            .contains("Шайлоочулардын тизмелерин реестрден түзүү")
    );
    assert!(ky.body.contains("(CAL-12)"));

    assert_eq!(
        w.app.store.register_count().await.unwrap(),
        extract().persons
    );
    assert_eq!(w.app.store.register_imports(5).await.unwrap().len(), 1);
    let after = w.app.store.voter_list_state(&World::election()).await;
    assert_eq!(after.unwrap(), before.unwrap());
    assert_eq!(w.leftover_uploads(), 0);
}
