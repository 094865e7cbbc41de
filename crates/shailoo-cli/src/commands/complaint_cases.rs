//! The demo's complainant online (`shailoo demo`, i16-cases2): a voter on station 8001's list
//! files a complaint from the voter cabinet with the photo they took as its supporting
//! document, the PEC rejects it, and the voter appeals online to the TEC with a second
//! document, where the appeal's clock runs. The public registry shows that documents were
//! handed in, never them nor the voter's name. Dated before the demo clock's default start
//! (15 October): the appeal's clock at the TEC still runs then.

use anyhow::{Context, Result};
use jiff::Timestamp;
use jiff::civil::{Date, date, time};
use shailoo_app::Store;
use shailoo_app::complaints::{
    self, About, AppealDraft, Complainant, ComplainantKind, ComplaintDraft, DecisionDraft,
    Document, Outcome, Text,
};
use shailoo_app::users::{Actor, Role, Username};
use shailoo_domain::complaint::Subject;
use shailoo_domain::time::from_bishkek;
use shailoo_domain::{CommissionId, ElectionId, StationNumber};

fn at(day: Date, hour: i8) -> Timestamp {
    from_bishkek(day, time(hour, 0, 0, 0))
}

fn text(s: &str) -> Result<Text> {
    Text::parse(s).with_context(|| format!("demo text {s:?}"))
}

/// A small, well-framed PDF standing for a scan; `what` makes it unique.
fn scan(what: &str) -> Result<Document> {
    let mut bytes = format!("%PDF-1.4\n% {what}\n1 0 obj<<>>endobj\n").into_bytes();
    bytes.extend_from_slice(b"startxref\n0\n%%EOF\n");
    Document::parse(bytes).context("the demo complainant's document")
}

/// Loads the online complaint and its appeal; says nothing happened when station 8001's list
/// is empty (a demo scale without it).
#[expect(
    clippy::too_many_lines,
    reason = "a demo complaint's story reads top to bottom, one step after the other"
)]
pub async fn load(store: &dyn Store, election: &ElectionId) -> Result<()> {
    let station = StationNumber::new(8001)?;
    let Some(voter) = store
        .station_voters(election, station)
        .await?
        .into_iter()
        .next()
    else {
        println!("no voter on station 8001's list: no online complaint in the demo");
        return Ok(());
    };
    let person = &voter.person;
    let actor = Actor::Voter { pin: person.pin };
    let draft = ComplaintDraft {
        commission: CommissionId::parse("pec-8001")?,
        subject: Subject::Action,
        act_on: Some(date(2024, 10, 11)),
        about: About {
            station: Some(station),
            ..About::default()
        },
        complainant: Complainant {
            kind: ComplainantKind::Voter,
            name: text(&format!("{} {}", person.surname, person.given_name))?,
            contact: None,
        },
        summary: text(
            "Участоктун имаратына кирүүчү жер майыптар арабасы үчүн жабдылган эмес; \
             сүрөт тиркелди.",
        )?,
        document: Some(scan("photo of the entrance, 11 October")?),
    };
    let filed = complaints::file(store, &actor, election, draft, at(date(2024, 10, 12), 9))
        .await
        .context("filing the demo's online complaint")?;
    let pec = Actor::User {
        username: Username::parse("pec.8001")?,
        role: Role::PecMember,
        commission: CommissionId::parse("pec-8001")?,
    };
    let decision = DecisionDraft {
        outcome: Outcome::Rejected,
        reasons: text("Пандус шайлоо күнүнө чейин орнотулат.")?,
        number: text("8001/19")?,
        document: scan("decision 8001/19")?,
    };
    complaints::decide(
        store,
        &pec,
        election,
        filed.id,
        decision,
        at(date(2024, 10, 13), 15),
    )
    .await
    .context("deciding the demo's online complaint")?;
    let appeal = AppealDraft {
        grounds: text("Пандус дагы эле жок; жаңы сүрөт тиркелди.")?,
        court: None,
        document: Some(scan("photo of the entrance, 14 October")?),
    };
    complaints::appeal(
        store,
        &actor,
        election,
        filed.id,
        appeal,
        at(date(2024, 10, 14), 10),
    )
    .await
    .context("the demo voter's online appeal")?;
    println!(
        "complaint {} filed and appealed online by voter {} (with documents)",
        filed.id, person.pin
    );
    Ok(())
}
