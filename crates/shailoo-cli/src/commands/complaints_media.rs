//! The demo's complaints and media (`shailoo demo`), through the use cases at instants of the
//! 2024 calendar: complaints at every level (a PEC's decided, one overdue, a TEC's, a CEC's
//! pending with its clock, and one appealed PEC → TEC → CEC → court with the court's act), and
//! media outlets (accredited ones, one refused for a CMP-02 price breach, one revoked, one
//! waiting). Paper intake and applications are entered by the operator ([`Actor::System`]);
//! the demo's commission members decide, so no one decides what they entered.

use anyhow::{Context, Result};
use jiff::Timestamp;
use jiff::civil::{Date, date, time};
use shailoo_app::Store;
use shailoo_app::complaints::{
    self, About, AppealDraft, Complainant, ComplainantKind, ComplaintDraft, ComplaintId,
    DecisionDraft, Document, Outcome, Text,
};
use shailoo_app::media::{self, MediaDecision, OutletDraft, Text as MediaText};
use shailoo_app::users::{Actor, Role, Username};
use shailoo_domain::complaint::Subject;
use shailoo_domain::media::MediaKind;
use shailoo_domain::time::from_bishkek;
use shailoo_domain::{CommissionId, ElectionId, StationNumber};
use shailoo_formats::read_media_prices;

fn at(day: Date, hour: i8) -> Timestamp {
    from_bishkek(day, time(hour, 0, 0, 0))
}

fn text(s: &str) -> Result<Text> {
    Text::parse(s).with_context(|| format!("demo text {s:?}"))
}

fn member(name: &str, role: Role, commission: &str) -> Result<Actor> {
    Ok(Actor::User {
        username: Username::parse(name)?,
        role,
        commission: CommissionId::parse(commission)?,
    })
}

/// A small, well-framed PDF standing for a scanned decision: its number makes it unique.
fn document(number: &str) -> Result<Document> {
    let mut bytes = format!("%PDF-1.4\n% decision {number}\n1 0 obj<<>>endobj\n").into_bytes();
    bytes.extend_from_slice(b"startxref\n0\n%%EOF\n");
    Document::parse(bytes).context("the demo's decision document")
}

fn decision(outcome: Outcome, number: &str, reasons: &str) -> Result<DecisionDraft> {
    Ok(DecisionDraft {
        outcome,
        reasons: text(reasons)?,
        number: text(number)?,
        document: document(number)?,
    })
}

struct Members {
    pec: Actor,
    tec: Actor,
    cec: Actor,
}

/// Loads the demo's complaints and media outlets of `election` (its members must exist).
pub async fn load(store: &dyn Store, election: &ElectionId) -> Result<()> {
    let m = Members {
        pec: member("pec.8001", Role::PecMember, "pec-8001")?,
        tec: member("tec.bishkek", Role::TecMember, "tec-bishkek")?,
        cec: member("cec.admin", Role::CecAdmin, "cec")?,
    };
    let complaints = load_complaints(store, election, &m).await?;
    let outlets = load_media(store, election, &m.cec).await?;
    println!("loaded {complaints} complaints and {outlets} media outlets");
    Ok(())
}

fn draft(
    commission: &str,
    subject: Subject,
    act_on: Option<Date>,
    station: Option<u32>,
    kind: ComplainantKind,
    (name, summary): (&str, &str),
) -> Result<ComplaintDraft> {
    Ok(ComplaintDraft {
        commission: CommissionId::parse(commission)?,
        subject,
        act_on,
        about: About {
            station: station.map(StationNumber::new).transpose()?,
            ..About::default()
        },
        complainant: Complainant {
            kind,
            name: text(name)?,
            contact: Some(text("+996 555 000 000")?),
        },
        summary: text(summary)?,
        document: None,
    })
}

async fn file(
    store: &dyn Store,
    election: &ElectionId,
    d: ComplaintDraft,
    when: Timestamp,
) -> Result<ComplaintId> {
    Ok(complaints::file(store, &Actor::System, election, d, when)
        .await
        .context("filing a demo complaint")?
        .id)
}

async fn load_complaints(store: &dyn Store, election: &ElectionId, m: &Members) -> Result<usize> {
    appealed_to_court(store, election, m).await?;
    at_the_pec(store, election, m).await?;
    at_the_tec_and_cec(store, election, m).await?;
    Ok(5)
}

/// PEC → TEC → CEC → court, with the court's act.
#[expect(
    clippy::too_many_lines,
    reason = "a demo complaint's story reads top to bottom, one step after the other"
)]
async fn appealed_to_court(store: &dyn Store, e: &ElectionId, m: &Members) -> Result<()> {
    use ComplainantKind as K;
    // 1. PEC → TEC → CEC → court, with the court's act.
    let id = file(
        store,
        e,
        draft(
            "pec-8001",
            Subject::Decision,
            Some(date(2024, 10, 2)),
            Some(8001),
            K::Observer,
            (
                "Таза шайлоо коалициясы, Айбек Токтогулов",
                "ШУКтын чечими менен байкоочуга шайлоочулардын тизмеси менен таанышууга уруксат берилген жок.",
            ),
        )?,
        at(date(2024, 10, 3), 10),
    )
    .await?;
    let steps: [(&Actor, &str, Timestamp); 3] = [
        (&m.pec, "8001/12", at(date(2024, 10, 4), 15)),
        (&m.tec, "ТИК-Б/41", at(date(2024, 10, 7), 11)),
        (&m.cec, "БШК/311", at(date(2024, 10, 10), 16)),
    ];
    for (i, (who, number, when)) in steps.iter().enumerate() {
        complaints::decide(
            store,
            who,
            e,
            id,
            decision(
                Outcome::Rejected,
                number,
                "Тизме мыйзамда белгиленген тартипте көрсөтүлгөн.",
            )?,
            *when,
        )
        .await
        .context("deciding the demo's appealed complaint")?;
        let court = (i == 2)
            .then(|| text("Бишкек шаарынын администрациялык соту"))
            .transpose()?;
        let appeal = AppealDraft {
            grounds: text("Чечим байкоочунун укуктарын эске алган жок.")?,
            court,
            document: None,
        };
        let filed = when.checked_add(jiff::SignedDuration::from_hours(20))?;
        complaints::appeal(store, &Actor::System, e, id, appeal, filed)
            .await
            .context("appealing the demo's complaint")?;
    }
    complaints::record_court_act(
        store,
        &m.cec,
        e,
        id,
        decision(
            Outcome::PartlyUpheld,
            "АС-2024-118",
            "Байкоочуга тизме менен таанышууга уруксат берилсин.",
        )?,
        at(date(2024, 10, 14), 12),
    )
    .await
    .context("recording the demo's court act")?;

    Ok(())
}

/// A PEC's complaint decided in time, and one left overdue.
#[expect(
    clippy::too_many_lines,
    reason = "a demo complaint's story reads top to bottom, one step after the other"
)]
async fn at_the_pec(store: &dyn Store, e: &ElectionId, m: &Members) -> Result<()> {
    use ComplainantKind as K;
    // 2. A PEC's complaint decided in time, upheld.
    let id = file(
        store,
        e,
        draft(
            "pec-8001",
            Subject::Action,
            Some(date(2024, 10, 8)),
            Some(8001),
            K::Voter,
            (
                "Гүлнара Абдыкадырова",
                "Участоктогу тизме шайлоочулар көрө турган жерге илинген эмес.",
            ),
        )?,
        at(date(2024, 10, 9), 9),
    )
    .await?;
    complaints::assign(
        store,
        &m.pec,
        e,
        id,
        Username::parse("pec.8001")?,
        at(date(2024, 10, 9), 10),
    )
    .await
    .context("assigning the demo's PEC complaint")?;
    complaints::decide(
        store,
        &m.pec,
        e,
        id,
        decision(Outcome::Upheld, "8001/15", "Тизме илинди.")?,
        at(date(2024, 10, 10), 12),
    )
    .await
    .context("deciding the demo's PEC complaint")?;

    // 3. A PEC's complaint about an inaction, assigned and left undecided: overdue.
    let id = file(
        store,
        e,
        draft(
            "pec-8001",
            Subject::Inaction,
            None,
            Some(8001),
            K::Candidate,
            (
                "Нурлан Сейитбеков",
                "Комиссия үгүт материалдары үчүн орунду аныктаган жок.",
            ),
        )?,
        at(date(2024, 10, 11), 11),
    )
    .await?;
    complaints::assign(
        store,
        &m.pec,
        e,
        id,
        Username::parse("pec.8001")?,
        at(date(2024, 10, 11), 12),
    )
    .await
    .context("assigning the demo's overdue complaint")?;

    Ok(())
}

/// A TEC's complaint decided, and one to the CEC whose clock runs.
async fn at_the_tec_and_cec(store: &dyn Store, e: &ElectionId, m: &Members) -> Result<()> {
    use ComplainantKind as K;
    // 4. A TEC's decision complained of by a party, decided.
    let id = file(
        store,
        e,
        draft(
            "tec-bishkek",
            Subject::Decision,
            Some(date(2024, 10, 12)),
            None,
            K::Party,
            (
                "«Ынтымак» партиясы, өкүлү Бакыт Осмонов",
                "ААК партиянын байкоочуларын каттоодон баш тартты.",
            ),
        )?,
        at(date(2024, 10, 13), 10),
    )
    .await?;
    complaints::decide(
        store,
        &m.tec,
        e,
        id,
        decision(
            Outcome::NotConsidered,
            "ТИК-Б/52",
            "Даттануу ыйгарым укуктуу эмес адам тарабынан берилген.",
        )?,
        at(date(2024, 10, 14), 17),
    )
    .await
    .context("deciding the demo's TEC complaint")?;

    // 5. A complaint to the CEC, filed the day before the demo's clock: its clock runs.
    file(
        store,
        e,
        draft(
            "cec",
            Subject::Action,
            Some(date(2024, 10, 13)),
            None,
            K::Voter,
            (
                "Айгерим Садыкова",
                "БШКнын сайтында шайлоочулардын тизмеси бир күн бою жеткиликсиз болду.",
            ),
        )?,
        at(date(2024, 10, 14), 16),
    )
    .await?;
    Ok(())
}

/// The price list of an outlet: `unequal` gives one party a lower price than the others
/// (CMP-02), `above` sets the election price above the earlier one (CMP-02).
fn prices(called_on: Date, base: u32, unequal: bool, above: bool) -> String {
    let earlier_on = called_on
        .checked_sub(jiff::Span::new().months(2))
        .unwrap_or(called_on);
    let election = if above { base + base / 5 } else { base };
    let mut csv = format!(
        "period,service,unit,buyer,price,charged_on\n\
         election,airtime_prime,minute,all,{election},\n\
         earlier,airtime_prime,minute,,{base},{earlier_on}\n\
         election,print_page,page,all,{half},\n\
         earlier,print_page,page,,{half},{earlier_on}\n",
        half = base / 2,
    );
    if unequal {
        csv.push_str(&format!(
            "election,airtime_prime,minute,yntymak,{},\n",
            base - base / 4
        ));
    }
    csv
}

async fn load_media(store: &dyn Store, election: &ElectionId, cec: &Actor) -> Result<usize> {
    let calendar = shailoo_app::setup::calendar(store, election).await?;
    let called_on = calendar.called_on();
    let applied = at(date(2024, 9, 20), 11);
    let outlets: [(&str, MediaKind, u32, bool, bool); 5] = [
        ("Тоо-Таш ТВ", MediaKind::Tv, 12_000, false, false),
        ("Ысык-Көл FM", MediaKind::Radio, 3_000, false, false),
        ("Ордо ТВ", MediaKind::Tv, 15_000, true, true),
        ("Kenesh.kg", MediaKind::Online, 2_000, false, false),
        ("Бишкек кабарлары", MediaKind::Print, 8_000, false, false),
    ];
    let mut ids = Vec::new();
    for (name, kind, base, unequal, above) in outlets {
        let csv = prices(called_on, base, unequal, above);
        let draft = OutletDraft {
            name: MediaText::parse(name)?,
            kind,
            contact: Some(MediaText::parse("info@example.kg")?),
            prices: read_media_prices("media_prices.csv", csv.into_bytes())
                .context("the demo's price list")?,
        };
        let o = media::file(store, &Actor::System, election, draft, applied)
            .await
            .context("entering a demo media application")?;
        ids.push(o.id);
    }
    decide_media(store, election, cec, &ids).await?;
    Ok(ids.len())
}

/// The CEC's decisions: three accredited, the breaching list refused, one revoked later.
async fn decide_media(
    store: &dyn Store,
    election: &ElectionId,
    cec: &Actor,
    ids: &[media::OutletId],
) -> Result<()> {
    let decided = at(date(2024, 9, 30), 15);
    for id in [ids[0], ids[1], ids[3]] {
        media::decide(store, cec, election, id, MediaDecision::Accredit, decided).await?;
    }
    // CMP-02: the accreditation is refused by the check, then by the CEC with the reason.
    let refused = media::decide(
        store,
        cec,
        election,
        ids[2],
        MediaDecision::Accredit,
        decided,
    )
    .await;
    anyhow::ensure!(
        refused.is_err(),
        "the demo's breaching price list was accredited"
    );
    let reason = MediaText::parse(
        "CMP-02: «Ынтымак» партиясына арзаныраак баа, жана шайлоо баасы шайлоо дайындалганга чейинки баадан жогору.",
    )?;
    media::decide(
        store,
        cec,
        election,
        ids[2],
        MediaDecision::Refuse { reason },
        decided,
    )
    .await?;
    let reason = MediaText::parse("CMP-03: үгүт материалы шайлоо фондунан төлөнбөй жарыяланды.")?;
    media::decide(
        store,
        cec,
        election,
        ids[3],
        MediaDecision::Revoke { reason },
        at(date(2024, 10, 14), 10),
    )
    .await?;
    Ok(())
}
