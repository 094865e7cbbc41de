//! `shailoo demo`: a realistic demo election, loaded once, with demo log-ins and a demo key
//! for audit checkpoints.
//!
//! The demo tells one coherent story on the 2024 election's calendar: the setup is imported on
//! the day the election is called (CAL-01), the register extract on the day the preliminary
//! lists go online (CAL-02), the lists compiled and published that morning and posted on
//! CAL-04. The demo's clock starts later (15 October 2024, during the campaign), so every one of
//! those dates is in its past; the log-ins are created at the clock's "now".

use super::data::load_register;
use crate::DemoScale;
use anyhow::{Context, Result};
use jiff::Timestamp;
use shailoo_app::AuditAction;
use shailoo_app::Store;
use shailoo_app::accounts::{self, NewAccount};
use shailoo_app::audit::AuditEvent;
use shailoo_app::audit::checkpoint::SystemLabel;
use shailoo_app::users::{Actor, Role, Username};
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::territory::CouncilKind;
use shailoo_domain::{CommissionId, CouncilId, Pin};
use shailoo_generator::{Dataset, GeneratedCandidacies, Generator, Scale};
use std::collections::HashSet;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// One person in this many goes into the sample register: about 215,000 of 4.3 million,
/// enough for look-ups everywhere while the first start stays well under a minute.
const SAMPLE_EVERY: usize = 20;

/// The demo log-ins. Printed on every start: this is a demo, not a deployment.
const DEMO_PASSWORD: &str = "shailoo-demo-2024";

struct DemoUser {
    username: &'static str,
    name: &'static str,
    role: Role,
    commission: &'static str,
}

/// The demo's party, with an authorised representative who files its nominations.
const DEMO_PARTY: (&str, [&str; 3], &str) = (
    "ata-jurt",
    [
        "«Ата-Журт Кыргызстан» саясий партиясы",
        "Политическая партия «Ата-Журт Кыргызстан»",
        "Ata-Jurt Kyrgyzstan political party",
    ],
    "0001-3301-ПП",
);

const DEMO_USERS: [DemoUser; 7] = [
    DemoUser {
        username: "cec.admin",
        name: "БШК администратору / CEC administrator",
        role: Role::CecAdmin,
        commission: "cec",
    },
    DemoUser {
        username: "tec.bishkek",
        name: "Бишкек шаардык АШК мүчөсү / Bishkek TEC member",
        role: Role::TecMember,
        commission: "tec-bishkek",
    },
    DemoUser {
        username: "tec.osh",
        name: "Ош шаардык АШК мүчөсү / Osh TEC member",
        role: Role::TecMember,
        commission: "tec-osh",
    },
    DemoUser {
        username: "tec.alamudun",
        name: "Аламүдүн райондук АШК мүчөсү / Alamudun TEC member",
        role: Role::TecMember,
        commission: "tec-chui-alamudun",
    },
    // Check-in and claim decisions are a PEC's work: the PEC of Bishkek's first station.
    DemoUser {
        username: "pec.8001",
        name: "№8001 УШКнын мүчөсү / PEC No. 8001 member",
        role: Role::PecMember,
        commission: "pec-8001",
    },
    // results (i15-entry): the second operator of the double entry at the same PEC.
    DemoUser {
        username: "pec.8001b",
        name: "№8001 УШКнын экинчи оператору / PEC No. 8001 second operator",
        role: Role::PecMember,
        commission: "pec-8001",
    },
    // A party's authorised representative, accredited by the CEC for the demo's party.
    DemoUser {
        username: "rep.ata-jurt",
        name: "«Ата-Журт Кыргызстан» өкүлү / Ata-Jurt representative",
        role: Role::PartyRepresentative,
        commission: "cec",
    },
];

/// The demo clock: starts at `start` (or the real clock for `now`) and runs in real time.
pub fn clock(start: &str) -> Result<Option<super::Clock>> {
    if start == "now" {
        return Ok(None);
    }
    let start: Timestamp = start.parse().with_context(|| {
        format!("--clock-start {start:?} is not an instant like 2024-10-15T10:00:00+06:00")
    })?;
    let began = std::time::Instant::now();
    Ok(Some(Box::new(move || {
        let elapsed = jiff::SignedDuration::try_from(began.elapsed()).unwrap_or_default();
        start.checked_add(elapsed).unwrap_or(start)
    })))
}

/// The instants of the demo's story, Bishkek time, from the election's statutory calendar.
struct Timeline {
    /// The setup and the districting units: CAL-01 (the election is called), 09:00.
    setup: Timestamp,
    /// The register extract: CAL-02, 08:00, before the lists are compiled from it.
    register: Timestamp,
    /// The lists compiled (CAL-02, 09:00), published online (CAL-02, 10:00), posted (CAL-04,
    /// 10:00).
    compiled: Timestamp,
    published: Timestamp,
    posted: Timestamp,
}

impl Timeline {
    fn of(election: &shailoo_domain::territory::Election) -> Result<Timeline> {
        use shailoo_domain::time::from_bishkek;
        let calendar = shailoo_domain::calendar::Calendar::for_election(election, &[])
            .with_context(|| format!("the calendar of {}", election.id))?;
        let at = |rule: &str, hour: i8| {
            calendar
                .get(rule)
                .map(|d| from_bishkek(d.date, jiff::civil::time(hour, 0, 0, 0)))
                .with_context(|| format!("the calendar has no {rule}"))
        };
        Ok(Timeline {
            setup: at("CAL-01", 9)?,
            register: at("CAL-02", 8)?,
            compiled: at("CAL-02", 9)?,
            published: at("CAL-02", 10)?,
            posted: at("CAL-04", 10)?,
        })
    }
}

/// The demo's setup and districting units, dated on the calendar of 2024.
async fn load_setup(
    store: &dyn Store,
    generator: &Generator,
    dataset: &Dataset,
    timeline: &Timeline,
    seed: u64,
) -> Result<()> {
    let event = AuditEvent::new(
        "system",
        AuditAction::SetupImported,
        format!("demo seed {seed}"),
        timeline.setup,
    );
    store
        .import_setup(&dataset.setup, &dataset.station_areas, event)
        .await
        .context("loading the demo setup")?;
    let units = super::districts::port_units(&shailoo_generator::district_units(generator));
    let event = AuditEvent::new(
        "system",
        AuditAction::DistrictUnitsImported,
        "demo",
        timeline.setup,
    );
    store
        .import_district_units(&units, event)
        .await
        .context("loading the districting units")?;
    println!(
        "loaded {} councils, {} commissions and {} polling stations",
        dataset.setup.councils.len(),
        dataset.setup.commissions.len(),
        dataset.setup.stations.len()
    );
    Ok(())
}

/// Loads the demo data unless the database already holds an election; says whether it did.
/// `now` is the demo clock's reading: when the log-ins are created.
pub async fn prepare(
    store: &dyn Store,
    scale: DemoScale,
    seed: u64,
    now: Timestamp,
) -> Result<bool> {
    if !store.elections().await?.is_empty() {
        println!("demo data already in place");
        print_logins();
        return Ok(false);
    }
    let started = Instant::now();
    let generator = Generator::new(Scale::National, seed);
    let dataset = generator.dataset();
    let election = dataset
        .setup
        .elections
        .first()
        .context("the demo dataset has no election")?;
    let timeline = Timeline::of(election)?;
    load_setup(store, &generator, &dataset, &timeline, seed).await?;
    // One pass over the whole register draws the candidates (a few seconds in release).
    let candidacies = demo_candidacies(&dataset.setup, generator.candidacies(), scale);
    load_parties_and_schemes(store, &candidacies).await?;
    load_demo_register(store, generator, scale, &candidacies.persons, &timeline).await?;
    publish_lists(store, &timeline).await?;
    load_demo_candidacies(store, &candidacies, seed, now).await?;
    super::protocols::load_demo_protocols(store, now).await?;
    super::reports::load_demo(store, now).await?;

    for user in &DEMO_USERS {
        add_demo_user(store, user, now).await?;
    }
    super::complaints_media::load(store, &election.id).await?;
    super::complaint_cases::load(store, &election.id).await?;
    super::campaign_places::load(store).await?;
    println!("demo ready in {:.1} s", started.elapsed().as_secs_f64());
    print_logins();
    Ok(true)
}

/// The parties and the district schemes the demo's nominations are filed under.
async fn load_parties_and_schemes(
    store: &dyn Store,
    candidacies: &GeneratedCandidacies,
) -> Result<()> {
    let (parties, schemes) = super::candidacies::load_parties_and_schemes(
        store,
        &candidacies.schemes,
        &candidacies.candidacies,
    )
    .await?;
    println!("registered {parties} parties and approved {schemes} district schemes");
    Ok(())
}

/// The demo's register: a sample of it (or all of it at the national scale), and every
/// candidate besides (once: a candidate may be in the sample), so that the registries and the
/// look-up know them.
async fn load_demo_register(
    store: &dyn Store,
    generator: Generator,
    scale: DemoScale,
    candidate_persons: &[RegisterRecord],
    timeline: &Timeline,
) -> Result<()> {
    let (every, expected) = match scale {
        DemoScale::Sample => (SAMPLE_EVERY, generator.person_count() / SAMPLE_EVERY as u64),
        DemoScale::National => (1, generator.person_count()),
    };
    let candidates: Vec<RegisterRecord> = match scale {
        DemoScale::Sample => candidate_persons.to_vec(),
        DemoScale::National => Vec::new(),
    };
    let extra: HashSet<Pin> = candidates.iter().map(|p| p.pin).collect();
    let expected = expected + candidates.len() as u64;
    let source = move |sink: &mut dyn FnMut(Result<RegisterRecord>) -> ControlFlow<()>| {
        let sample = generator
            .persons_sample(every)
            .filter(|p| !extra.contains(&p.pin));
        for record in sample.chain(candidates) {
            if sink(Ok(record)).is_break() {
                return;
            }
        }
    };
    let what = "demo register";
    let loaded = load_register(store, source, expected, what, timeline.register).await?;
    println!("loaded {loaded} persons of the population register");
    Ok(())
}

/// The demo's nominations, taken to their stages through the workflow against the registry
/// doubles, and the ballots fixed where the calendar allows by the demo's clock.
async fn load_demo_candidacies(
    store: &dyn Store,
    candidacies: &GeneratedCandidacies,
    seed: u64,
    now: Timestamp,
) -> Result<()> {
    let started = Instant::now();
    let doubles = super::candidacies::Doubles::start(&candidacies.persons, seed).await?;
    let done = super::candidacies::load(store, &doubles, &candidacies.candidacies)
        .await
        .context("loading the demo's candidacies")?;
    super::data::print_candidacies(&done, started.elapsed().as_secs_f64());
    let mut ballots = super::candidacies::set_ballot_orders(store, now).await?;
    if ballots == 0 {
        // A clock past the window: fixed as the TEC fixed them when registration closed.
        ballots = super::candidacies::fix_ballots_when_registration_closes(store, now).await?;
    }
    if ballots == 0 {
        println!(
            "ballots: fixed once city registration closes (CAL-08, 18 October 2024); start the \
             demo with --clock-start 2024-10-19T10:00:00+06:00 to see them"
        );
    }
    Ok(())
}

/// The aiyl councils of the sample demo whose nominations are loaded: those of the demo TEC's
/// district (Alamudun) and one in this many of the others, so that the first start stays
/// short while every council kind, stage and refusal ground has examples. City lists are all
/// loaded (Bishkek's ballot among them).
const AIYL_COUNCILS_EVERY: usize = 12;

/// The candidacies the demo loads: all of them at the national scale; for the sample, the
/// city lists and the nominations of a choice of aiyl councils (a council's nominations
/// together, so that a CAN-05 draft keeps the nomination it repeats).
fn demo_candidacies(
    setup: &shailoo_domain::territory::Setup,
    mut generated: GeneratedCandidacies,
    scale: DemoScale,
) -> GeneratedCandidacies {
    if matches!(scale, DemoScale::National) {
        return generated;
    }
    let kept: HashSet<&CouncilId> = setup
        .councils
        .iter()
        .filter(|c| c.kind == CouncilKind::Aiyl)
        .enumerate()
        .filter(|(i, c)| {
            i % AIYL_COUNCILS_EVERY == 0 || c.territory.as_str().starts_with("chui-alamudun.")
        })
        .map(|(_, c)| &c.id)
        .chain(
            setup
                .councils
                .iter()
                .filter(|c| c.kind == CouncilKind::City)
                .map(|c| &c.id),
        )
        .collect();
    let files = &mut generated.candidacies;
    files.nominations.retain(|n| kept.contains(&n.council));
    let nominations: HashSet<_> = files.nominations.iter().map(|n| n.id.clone()).collect();
    files
        .candidates
        .retain(|c| nominations.contains(&c.nomination));
    let pins: HashSet<Pin> = files.candidates.iter().map(|c| c.pin).collect();
    generated.persons.retain(|p| pins.contains(&p.pin));
    generated
}

/// The election system the demo's checkpoints speak of.
const DEMO_SYSTEM: &str = "shailoo demo";

/// The file name ending of the demo's checkpoint key, beside its database.
const DEMO_KEY: &str = "audit-key.pem";

/// Makes the demo's checkpoint signing key once, beside the database, and signs a first
/// checkpoint of a freshly loaded log, so that `audit checkpoint` and `audit verify
/// --checkpoint` work out of the box. A real commission makes its key offline instead
/// (README, "Audit checkpoints").
pub async fn audit_checkpoints(store: &dyn Store, db: &str, loaded: bool) -> Result<()> {
    use super::audit;
    let key = demo_key_path(db);
    let signer = if key.exists() {
        audit::read_signer(&key)?
    } else {
        audit::keygen(&key)?
    };
    let first = beside_database(db, "checkpoint.json");
    if loaded || !first.exists() {
        // The demo's own file: a checkpoint of an earlier demo database says nothing of this one.
        if first.exists() {
            std::fs::remove_file(&first)
                .with_context(|| format!("replacing {}", first.display()))?;
        }
        let system = SystemLabel::parse(DEMO_SYSTEM).map_err(anyhow::Error::msg)?;
        audit::write_checkpoint(store, &signer, system, Some(&first)).await?;
    }
    let db = super::redact(db);
    println!(
        "audit checkpoints, signed with a demo key (a commission keeps its key offline):\n  \
         sign one:   shailoo audit checkpoint --db {db} --key {} --system {DEMO_SYSTEM:?}\n  \
         verify:     shailoo audit verify --db {db} --checkpoint {} --public-key {}",
        key.display(),
        first.display(),
        audit::public_key_path(&key).display()
    );
    Ok(())
}

/// The demo's checkpoint key for the database `db`, wherever `demo` made it or would.
pub fn demo_key_path(db: &str) -> PathBuf {
    beside_database(db, DEMO_KEY)
}

/// `NAME.what` beside an SQLite database file `NAME.db`; in the current directory, named after
/// the demo, for PostgreSQL and in-memory databases.
fn beside_database(db: &str, what: &str) -> PathBuf {
    let file = db
        .strip_prefix("sqlite://")
        .or_else(|| db.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        .filter(|path| !path.is_empty() && !path.contains(":memory:"))
        .map(Path::new);
    match file {
        Some(file) => {
            let stem = file
                .file_stem()
                .unwrap_or(file.as_os_str())
                .to_string_lossy();
            file.with_file_name(format!("{stem}.{what}"))
        }
        None => PathBuf::from(format!("shailoo-demo.{what}")),
    }
}

/// Compiles the voter lists and takes them through the steps the 2024 calendar had taken by
/// the demo's clock (mid-October): published online on the day of CAL-02 and posted at the
/// stations on the day of CAL-04. So the look-up, SMS 119, the cabinet and the printed lists
/// have something to show.
async fn publish_lists(store: &dyn Store, timeline: &Timeline) -> Result<()> {
    use shailoo_app::voters::{self, ListStep};
    for election in store.elections().await? {
        let report = voters::compile(store, &election.id, "system", timeline.compiled)
            .await
            .with_context(|| format!("compiling the lists of {}", election.id))?;
        let published = timeline.published;
        voters::take_step(
            store,
            &election.id,
            ListStep::Published,
            "system",
            published,
        )
        .await?;
        let posted = timeline.posted;
        voters::take_step(store, &election.id, ListStep::Posted, "system", posted).await?;
        println!(
            "compiled, published and posted the voter lists of {}: {} voters, {} not on a list",
            election.id, report.eligible, report.ineligible
        );
    }
    Ok(())
}

async fn add_demo_user(store: &dyn Store, user: &DemoUser, now: Timestamp) -> Result<()> {
    if user.role == Role::PartyRepresentative {
        return add_demo_representative(store, user, now).await;
    }
    let account = NewAccount {
        username: Username::parse(user.username)?,
        display_name: user.name.to_owned(),
        role: user.role,
        commission: CommissionId::parse(user.commission)?,
        password: DEMO_PASSWORD.to_owned(),
    };
    accounts::add_user(store, &Actor::System, account, now).await?;
    Ok(())
}

/// Registers the demo's party and accredits its representative, as the CEC does.
async fn add_demo_representative(store: &dyn Store, user: &DemoUser, now: Timestamp) -> Result<()> {
    use shailoo_app::candidates::{self, NewRepresentative};
    use shailoo_domain::candidate::{Party, PartyId, PartyRegistrationNumber};
    use shailoo_domain::territory::LocalizedName;
    let (id, [ky, ru, en], number) = DEMO_PARTY;
    let party = Party {
        id: PartyId::parse(id)?,
        name: LocalizedName {
            ky: ky.to_owned(),
            ru: ru.to_owned(),
            en: en.to_owned(),
        },
        registration_number: PartyRegistrationNumber::parse(number)?,
    };
    candidates::add_party(store, &Actor::System, party.clone(), now).await?;
    let account = NewRepresentative {
        username: Username::parse(user.username)?,
        display_name: user.name.to_owned(),
        party: party.id,
        password: DEMO_PASSWORD.to_owned(),
    };
    candidates::add_representative(store, &Actor::System, account, now).await?;
    Ok(())
}

fn print_logins() {
    println!("demo log-ins (password {DEMO_PASSWORD:?} for each):");
    for user in &DEMO_USERS {
        println!(
            "  {:<12} {:<10} {}",
            user.username,
            user.role.as_str(),
            user.commission
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_has_a_log_in_for_every_role() {
        for role in [
            Role::CecAdmin,
            Role::TecMember,
            Role::PecMember,
            Role::PartyRepresentative,
        ] {
            // A new role stops this match from compiling until it is listed above.
            match role {
                Role::CecAdmin | Role::TecMember | Role::PecMember | Role::PartyRepresentative => {}
            }
            assert!(
                DEMO_USERS.iter().any(|u| u.role == role),
                "no demo log-in for {}",
                role.as_str()
            );
        }
        for u in &DEMO_USERS {
            assert!(
                u.commission.starts_with(match u.role {
                    Role::CecAdmin | Role::PartyRepresentative => "cec",
                    Role::TecMember => "tec-",
                    Role::PecMember => "pec-",
                }),
                "{} is at the wrong level",
                u.username
            );
        }
    }

    #[test]
    fn the_demo_story_is_dated_in_order_before_its_clock_starts() {
        let generator = Generator::new(Scale::Small, 2024);
        let election = generator.dataset().setup.elections[0].clone();
        let t = Timeline::of(&election).expect("a timeline");
        let clock: Timestamp = "2024-10-15T10:00:00+06:00".parse().expect("instant");
        assert!(t.setup < t.register && t.register < t.compiled);
        assert!(t.compiled < t.published && t.published < t.posted && t.posted < clock);
        assert_eq!(
            shailoo_domain::time::to_bishkek(t.register).date(),
            jiff::civil::date(2024, 9, 23)
        );
    }

    #[test]
    fn the_demo_key_lives_beside_an_sqlite_file_else_in_the_current_directory() {
        assert_eq!(
            demo_key_path("sqlite:///var/lib/shailoo/demo.db"),
            Path::new("/var/lib/shailoo/demo.audit-key.pem")
        );
        assert_eq!(
            demo_key_path("sqlite:shailoo-demo.db?mode=rwc"),
            Path::new("shailoo-demo.audit-key.pem")
        );
        for elsewhere in ["postgres://u@host/db", "sqlite::memory:"] {
            assert_eq!(
                demo_key_path(elsewhere),
                Path::new("shailoo-demo.audit-key.pem")
            );
        }
    }
}
