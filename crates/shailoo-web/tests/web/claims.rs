//! Voter-list claims (VOT-08) on the staff pages: a PEC member files a claim with a passport
//! copy (multipart) and decides it, and the voter is then on that station's list; the CAL-11
//! deadline; a forged upload; a PEC member of another station and the passport copy.

use crate::common::{PASSWORD, Reply, fixed_now, hidden, password_hash};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use jiff::Timestamp;
use jiff::civil::date;
use shailoo_app::AuditAction;
use shailoo_app::voters::{self, ImportBatcher, ImportOptions};
use shailoo_app::{AuditEvent, NewUser, Role, Store, Username};
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::territory::{CommissionLevel, PollingStation};
use shailoo_domain::{ElectionId, Pin, Sex};
use shailoo_generator::{Generator, Scale};
use shailoo_web::{AppState, Config};
use std::collections::BTreeMap;
use std::sync::Arc;
use tempfile::TempDir;
use tower::ServiceExt;

/// A real (tiny) PNG: a copy is recognised by its structure, not only its first bytes.
const PNG: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shailoo-app/tests/data/passport.png"
));

struct ClaimsApp {
    router: Router,
    store: Arc<dyn Store>,
    /// The station of `pec.one`, whose street the listed voter lives on.
    station: PollingStation,
    /// On the list at `station`.
    listed: Pin,
    /// In the register at an address no station serves: on no list.
    unlisted: Pin,
    _dir: TempDir,
}

fn election() -> ElectionId {
    ElectionId::parse("local-2024").unwrap()
}

/// 2 November 2024, 00:00 in Bishkek: CAL-11 closed at the end of 1 November.
fn after_cal_11() -> Timestamp {
    "2024-11-01T18:00:00Z".parse().unwrap()
}

fn person(serial: u32, settlement: &shailoo_domain::TerritoryId, street: &str) -> RegisterRecord {
    let birth = date(1990, 4, 12);
    RegisterRecord {
        pin: Pin::compose(Sex::Male, birth, serial),
        surname: "Бакиров".into(),
        given_name: "Азамат".into(),
        patronymic: None,
        sex: Sex::Male,
        birth_date: birth,
        citizen: true,
        biometrics: true,
        settlement: settlement.clone(),
        street: street.into(),
        house: "3".into(),
        address_registered_on: date(2012, 6, 1),
        residence_stamp: false,
        court_incapable: false,
        imprisoned: false,
    }
}

/// The small dataset, two persons in the register and the compiled lists, and four accounts:
/// the CEC admin, two members of the PEC of `station` (`pec.one`, who files, and `pec.chair`,
/// who decides: the filer never decides) and one of another PEC (`pec.two`).
async fn claims_app(clock: fn() -> Timestamp) -> ClaimsApp {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("claims.db").display());
    let db = shailoo_store::Db::connect(&url).await.unwrap();
    let data = Generator::new(Scale::Small, 2024).dataset();
    let store = db.clone().into_dyn();
    store
        .import_setup(
            &data.setup,
            &data.station_areas,
            AuditEvent::new("system", AuditAction::SetupImported, "small", fixed_now()),
        )
        .await
        .unwrap();
    let stations = &data.setup.stations;
    let area = &data.station_areas[0];
    let station = stations
        .iter()
        .find(|s| s.number == area.station)
        .unwrap()
        .clone();
    let other = stations
        .iter()
        .find(|s| !s.remote_voting && s.commission != station.commission)
        .unwrap();
    let listed = person(11, &area.settlement, &area.street);
    let unlisted = person(12, &area.settlement, "Жок көчөсү");
    let mut import = store
        .begin_register_import(ImportOptions::apply(
            "web-claims",
            "system",
            fixed_now(),
            None,
            None,
        ))
        .await
        .unwrap();
    let mut batcher = ImportBatcher::new(None, 10, 2);
    for p in [listed.clone(), unlisted.clone()] {
        assert!(batcher.add(p).is_none());
    }
    let (batch, duplicates) = batcher.finish();
    import.push(&batch).await.unwrap();
    import.finish(&duplicates).await.unwrap();
    voters::compile(&*store, &election(), "system", fixed_now())
        .await
        .unwrap();
    let cec = data
        .setup
        .commissions
        .iter()
        .find(|c| c.level == CommissionLevel::Cec)
        .unwrap()
        .id
        .clone();
    for (name, role, commission) in [
        ("admin", Role::CecAdmin, cec),
        ("pec.one", Role::PecMember, station.commission.clone()),
        ("pec.chair", Role::PecMember, station.commission.clone()),
        ("pec.two", Role::PecMember, other.commission.clone()),
    ] {
        store
            .add_user(
                &NewUser {
                    username: Username::parse(name).unwrap(),
                    display_name: format!("Test {name}"),
                    role,
                    commission,
                    password_hash: password_hash(),
                },
                AuditEvent::new("system", AuditAction::UserAdded, name, fixed_now()),
            )
            .await
            .unwrap();
    }
    let state = AppState::new(store.clone(), Config::default()).with_clock(clock);
    ClaimsApp {
        router: shailoo_web::router(state),
        store,
        station,
        listed: listed.pin,
        unlisted: unlisted.pin,
        _dir: dir,
    }
}

/// A browser: keeps cookies.
struct Browser {
    router: Router,
    cookies: BTreeMap<String, String>,
}

impl Browser {
    async fn signed_in(app: &ClaimsApp, username: &str) -> Browser {
        Browser::signed_in_to(app.router.clone(), username).await
    }

    /// Signed in to another router (the same store with another clock).
    async fn signed_in_to(router: Router, username: &str) -> Browser {
        let mut b = Browser {
            router,
            cookies: BTreeMap::new(),
        };
        let form = b.get("/login").await;
        let csrf = hidden(&form.body, "csrf");
        let r = b
            .post(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("username", username),
                    ("password", PASSWORD),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "log-in of {username}");
        b
    }

    async fn send_raw(&mut self, mut req: Request<Body>) -> (Reply, Vec<u8>) {
        let jar: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if !jar.is_empty() {
            req.headers_mut()
                .insert(header::COOKIE, jar.join("; ").parse().unwrap());
        }
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), 10 << 20)
            .await
            .unwrap()
            .to_vec();
        let reply = Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        };
        for c in reply.set_cookies() {
            let first = c.split(';').next().unwrap_or_default();
            if let Some((k, v)) = first.split_once('=') {
                if v.is_empty() || c.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_owned(), v.to_owned());
                }
            }
        }
        (reply, bytes)
    }

    async fn send(&mut self, req: Request<Body>) -> Reply {
        self.send_raw(req).await.0
    }

    async fn get(&mut self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).unwrap())
            .await
    }

    async fn post(&mut self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let mut body = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in fields {
            body.append_pair(k, v);
        }
        self.send(
            Request::post(uri)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body.finish()))
                .unwrap(),
        )
        .await
    }

    async fn csrf(&mut self) -> String {
        let page = self.get("/claims").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        hidden(&page.body, "csrf")
    }

    /// Posts the filing form as a browser does: multipart, the copy under `file_name`.
    async fn file(
        &mut self,
        uri: &str,
        fields: &[(&str, &str)],
        file_name: &str,
        declared: &str,
        copy: &[u8],
    ) -> Reply {
        let boundary = "----shailoo-test-boundary";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"passport\"; \
                 filename=\"{file_name}\"\r\nContent-Type: {declared}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(copy);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.send(
            Request::post(uri)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// Files an inclusion of `pin` at `station` with a PNG copy.
    async fn file_inclusion(&mut self, pin: &Pin, station: &PollingStation) -> Reply {
        let csrf = self.csrf().await;
        let station = station.number.to_string();
        self.file(
            "/claims?lang=en",
            &[
                ("csrf", &csrf),
                ("pin", pin.as_str()),
                ("station", &station),
                ("kind", "inclusion"),
                ("statement", "I moved here in August"),
            ],
            "passport.png",
            "image/png",
            PNG,
        )
        .await
    }
}

/// The station whose list holds `pin`, through the look-up port.
async fn listed_at(app: &ClaimsApp, pin: &Pin) -> Option<u32> {
    app.store
        .voter_station(&election(), pin)
        .await
        .unwrap()
        .map(|s| s.votes_at().number.get())
}

async fn claim_count(app: &ClaimsApp) -> usize {
    app.store
        .claims(&election(), &Default::default())
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn vot_08_a_pec_files_with_a_passport_copy_decides_and_the_voter_is_on_its_list() {
    let app = claims_app(fixed_now).await;
    assert_eq!(listed_at(&app, &app.unlisted).await, None);
    let mut pec = Browser::signed_in(&app, "pec.one").await;
    // The PEC member's form starts at their own station.
    let page = pec.get("/claims").await;
    assert!(page.body.contains(&format!(
        "name=\"station\" inputmode=\"numeric\" size=\"6\" value=\"{}\"",
        app.station.number
    )));
    let r = pec.file_inclusion(&app.unlisted, &app.station).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let list = pec.get(r.location().unwrap()).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains(app.unlisted.as_str()));
    assert!(list.body.contains("data-status=\"filed\""));
    // Filing changes no list.
    assert_eq!(listed_at(&app, &app.unlisted).await, None);

    // The copy: the same bytes, as an attachment of its real type, never sniffed.
    let (copy, bytes) = pec
        .send_raw(
            Request::get("/claims/1/passport")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(copy.status, StatusCode::OK);
    assert_eq!(bytes, PNG);
    assert_eq!(copy.headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(copy.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(
        copy.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );

    // The one who filed it does not decide it: no form for them, and 403 when forged.
    let csrf = pec.csrf().await;
    assert!(list.body.contains("You filed this claim"), "{}", list.body);
    assert!(!list.body.contains("action=\"/claims/1/decision\""));
    let r = pec
        .post(
            "/claims/1/decision?lang=en",
            &[("csrf", &csrf), ("decision", "accept")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(listed_at(&app, &app.unlisted).await, None);

    // Another member of the commission decides. A rejection without a reason is refused, in
    // the reader's language.
    let mut pec = Browser::signed_in(&app, "pec.chair").await;
    let csrf = pec.csrf().await;
    let r = pec
        .post(
            "/claims/1/decision?lang=ky",
            &[("csrf", &csrf), ("decision", "reject"), ("text", " ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Четке кагуунун негизин көрсөтүңүз."),
        "{}",
        r.body
    );

    let r = pec
        .post(
            "/claims/1/decision",
            &[
                ("csrf", &csrf),
                ("decision", "accept"),
                ("text", "passport seen"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        listed_at(&app, &app.unlisted).await,
        Some(app.station.number.get())
    );
    // The voter's page: on the list, the claim accepted, the change with its note.
    let voter = pec
        .get(&format!("/claims/voter?lang=en&pin={}", app.unlisted))
        .await;
    assert_eq!(voter.status, StatusCode::OK, "{}", voter.body);
    assert!(
        voter
            .body
            .contains(&format!("On the list of station {}.", app.station.number))
    );
    assert!(voter.body.contains("data-status=\"accepted\""));
    let history = voter.body.split("id=\"amendments\"").nth(1).unwrap();
    assert!(history.contains(&format!(
        "<td>Station</td><td>—</td><td>{}</td>",
        app.station.number
    )));
    assert!(history.contains("passport seen"));
    // Decided once only.
    let r = pec
        .post(
            "/claims/1/decision?lang=en",
            &[("csrf", &csrf), ("decision", "accept")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("The claim has already been decided."));
}

#[tokio::test]
async fn vot_08_claims_close_at_the_end_of_cal_11() {
    let app = claims_app(after_cal_11).await;
    let mut pec = Browser::signed_in(&app, "pec.one").await;
    let r = pec.file_inclusion(&app.unlisted, &app.station).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("(CAL-11)"), "{}", r.body);
    assert!(r.body.contains("role=\"alert\""));
    assert_eq!(claim_count(&app).await, 0);
}

#[tokio::test]
async fn vot_08_a_forged_passport_copy_is_refused_by_its_contents() {
    let app = claims_app(fixed_now).await;
    let mut pec = Browser::signed_in(&app, "pec.one").await;
    let csrf = pec.csrf().await;
    let station = app.station.number.to_string();
    let r = pec
        .file(
            "/claims?lang=en",
            &[
                ("csrf", &csrf),
                ("pin", app.listed.as_str()),
                ("station", &station),
                ("kind", "correction"),
                ("surname", "Бакыров"),
            ],
            "passport.jpg",
            "image/jpeg",
            b"this is plain text wearing a .jpg name",
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.body);
    assert!(
        r.body
            .contains("The passport copy is not a JPEG, PNG or PDF file"),
        "{}",
        r.body
    );
    // The form comes back filled in.
    assert!(r.body.contains("value=\"Бакыров\""));
    assert_eq!(claim_count(&app).await, 0);
    // Over 5 MB: refused with its own message (the route takes the body; the rule refuses).
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(5 * 1024 * 1024 + 1, b' ');
    let r = pec
        .file(
            "/claims?lang=en",
            &[
                ("csrf", &csrf),
                ("pin", app.listed.as_str()),
                ("station", &station),
                ("kind", "inclusion"),
            ],
            "scan.pdf",
            "application/pdf",
            &big,
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(r.body.contains("The passport copy is larger than 5 MB."));
    assert_eq!(claim_count(&app).await, 0);
    // Without the CSRF token nothing is filed either.
    let r = pec
        .file(
            "/claims",
            &[
                ("pin", app.listed.as_str()),
                ("station", &station),
                ("kind", "inclusion"),
            ],
            "p.png",
            "image/png",
            PNG,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(claim_count(&app).await, 0);
}

#[tokio::test]
async fn vot_08_a_pec_member_of_another_station_gets_403() {
    let app = claims_app(fixed_now).await;
    let mut other = Browser::signed_in(&app, "pec.two").await;
    // Filing at a station of another PEC.
    let r = other.file_inclusion(&app.unlisted, &app.station).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(claim_count(&app).await, 0);
    // Deciding a claim at another PEC's station.
    let mut pec = Browser::signed_in(&app, "pec.one").await;
    let r = pec.file_inclusion(&app.unlisted, &app.station).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let csrf = other.csrf().await;
    let r = other
        .post(
            "/claims/1/decision",
            &[("csrf", &csrf), ("decision", "accept")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(listed_at(&app, &app.unlisted).await, None);
    // The claim is not in their list, and the voter's page is closed to them.
    let list = other.get("/claims").await;
    assert!(!list.body.contains(app.unlisted.as_str()));
    let r = other
        .get(&format!("/claims/voter?pin={}", app.unlisted))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The CEC sees and may decide everything.
    let mut cec = Browser::signed_in(&app, "admin").await;
    assert!(
        cec.get("/claims")
            .await
            .body
            .contains(app.unlisted.as_str())
    );
}

#[tokio::test]
async fn vot_08_the_passport_copy_is_not_served_to_a_non_covering_account() {
    let app = claims_app(fixed_now).await;
    let mut pec = Browser::signed_in(&app, "pec.one").await;
    let r = pec.file_inclusion(&app.unlisted, &app.station).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut other = Browser::signed_in(&app, "pec.two").await;
    let (r, bytes) = other
        .send_raw(
            Request::get("/claims/1/passport")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!bytes.windows(PNG.len()).any(|w| w == PNG));
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    // Nor to anyone signed out: they are sent to the log-in page.
    let mut anonymous = Browser {
        router: app.router.clone(),
        cookies: BTreeMap::new(),
    };
    let r = anonymous.get("/claims/1/passport").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().unwrap().starts_with("/login"));
}

#[tokio::test]
async fn vot_08_the_queue_shows_what_the_list_says_now_beside_the_claimed_values() {
    let app = claims_app(fixed_now).await;
    let mut pec = Browser::signed_in(&app, "pec.one").await;
    let csrf = pec.csrf().await;
    let station = app.station.number.to_string();
    let r = pec
        .file(
            "/claims?lang=en",
            &[
                ("csrf", &csrf),
                ("pin", app.listed.as_str()),
                ("station", &station),
                ("kind", "correction"),
                ("surname", "Бакыров"),
                ("birth_date", "1990-04-21"),
            ],
            "p.png",
            "image/png",
            PNG,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let list = pec.get("/claims?lang=en").await;
    let table = &list.body[list.body.find("class=\"compare\"").expect("the comparison")..];
    let table = &table[..table.find("</table>").unwrap()];
    // What the register (and so the list) says now, and what the voter claims.
    assert!(
        table.contains("<td>Бакиров</td><td><strong>Бакыров</strong></td>"),
        "{table}"
    );
    assert!(
        table.contains("<td>12.04.1990</td><td><strong>21.04.1990</strong></td>"),
        "{table}"
    );
    // Accepted by another member of the PEC (the filer never decides), the claim is history:
    // no comparison any more.
    let mut chair = Browser::signed_in(&app, "pec.chair").await;
    let csrf = chair.csrf().await;
    let r = chair
        .post(
            "/claims/1/decision",
            &[("csrf", &csrf), ("decision", "accept")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let list = chair.get("/claims?lang=en").await;
    assert!(!list.body.contains("class=\"compare\""));
}

/// 3 October 2024, 12:00 in Bishkek: two days after a claim filed on 1 October.
fn two_days_later() -> Timestamp {
    "2024-10-03T06:00:00Z".parse().unwrap()
}

#[tokio::test]
async fn cal_19_the_pec_queue_shows_when_each_claim_is_due_under_the_parameters_in_force() {
    let app = claims_app(fixed_now).await;
    let mut pec = Browser::signed_in(&app, "pec.one").await;
    let r = pec.file_inclusion(&app.unlisted, &app.station).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Filed on 1 October: decided the same day by default, so due at 00:00 on 2 October.
    let queue = format!("{}&lang=en", r.location().unwrap());
    let list = pec.get(&queue).await.body;
    assert!(list.contains("decide by 02.10.2024 00:00"), "{list}");
    // Two days later it is overdue.
    let later = AppState::new(app.store.clone(), Config::default()).with_clock(two_days_later);
    let mut late = Browser::signed_in_to(shailoo_web::router(later), "pec.one").await;
    let list = late.get(&queue).await.body;
    assert!(list.contains("overdue: due by 02.10.2024 00:00"), "{list}");
    // The CEC gives PECs three days (CAL-19's claim_decision_days): due on 5 October.
    shailoo_app::params::set(
        &*app.store,
        &shailoo_app::Actor::System,
        &election(),
        serde_json::json!({"claim_decision_days": 3})
            .as_object()
            .unwrap(),
        fixed_now(),
    )
    .await
    .unwrap();
    let list = late.get(&queue).await.body;
    assert!(list.contains("decide by 05.10.2024 00:00"), "{list}");
    assert!(!list.contains("overdue"), "{list}");
}
