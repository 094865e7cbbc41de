//! Voter-list claims (VOT-08, CAL-11) on both engines: filing with a passport copy, the PEC's
//! decisions changing the lists with a history, one open claim per voter and kind, the frozen
//! lists, concurrent decisions, and accepted claims surviving a recompile. The use cases of
//! `shailoo_app::claims` run over the store, as the web pages and the voter cabinet call them.

#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used)]

use jiff::Timestamp;
use jiff::civil::date;
use shailoo_app::AuditAction;
use shailoo_app::ClaimStore;
use shailoo_app::RemoteVotingStore;
use shailoo_app::claims::{
    self, Channel, ClaimDecision, ClaimDraft, ClaimError, ClaimFilter, ClaimId, ClaimKind,
    ClaimRequest, ClaimState, ClaimStatus, DataCorrection, Field, PassportCopy, Text,
};
use shailoo_app::lookup::{LookupOutcome, Refreshed, VoterLookup};
use shailoo_app::users::{Actor, Role, Username};
use shailoo_app::verify_audit;
use shailoo_app::voters::{
    self, ImportBatcher, ImportOptions, ImportReport, ListStep, Placement, VoterListStore,
};
use shailoo_app::{AuditStore, SetupStore, Store};
use shailoo_domain::register::RegisterRecord;
use shailoo_domain::territory::StationArea;
use shailoo_domain::voter::{IneligibilityReason, Reasons};
use shailoo_domain::{CouncilId, ErrorCode, Pin, Sex, StationNumber, TerritoryId};
use shailoo_store::Db;
use std::sync::Arc;

#[macro_use]
mod harness;
use harness::fixtures::*;
use harness::*;

contract!(
    vot_08_accepted_inclusion_puts_an_unlisted_voter_on_the_list_with_history,
    vot_08_accepted_inclusion_moves_a_voter_listed_at_another_station,
    vot_04_vot_08_no_claim_moves_a_voter_away_from_their_address_or_council,
    vot_08_the_one_who_files_never_decides,
    vot_08_the_home_commission_sees_what_happens_to_its_voter_and_no_one_else_does,
    vot_08_a_recompile_follows_a_new_address_not_an_old_inclusion,
    vot_08_a_forged_passport_copy_is_refused,
    vot_08_accepted_correction_is_kept_beside_the_register,
    vot_08_rejection_changes_nothing_and_keeps_the_reason,
    vot_08_one_open_claim_per_voter_and_kind,
    vot_08_frozen_lists_refuse_filing_and_decisions,
    vot_08_claims_close_at_the_end_of_cal_11,
    vot_08_accepted_claims_survive_a_recompile,
    vot_08_a_reapplied_inclusion_yields_to_a_reason_the_pec_did_not_overrule,
    vot_08_an_inclusion_decided_off_the_compiled_lists_overrules_every_reason,
    vot_08_concurrent_decisions_decide_once,
    vot_08_only_covering_staff_and_the_voter_themself_may_file,
    vot_08_the_look_up_finds_a_voter_included_by_claim,
    staff_see_the_claims_of_the_stations_they_cover_and_no_others,
    vot_07_approved_remote_voting_survives_a_recompile,
    vot_08_the_printed_list_shows_an_accepted_correction,
    cal_19_claim_decision_days_in_force_set_when_a_claim_is_due,
    cal_19_claim_immediate_days_in_force_make_a_claim_due_at_once,
);

// ---------------------------------------------------------------------------------------------
// Fixtures

/// Listed at 2001 by the compile.
const LISTED: u32 = 1;
/// Lives on a street no station area covers: off the lists (VOT-04).
const UNLISTED: u32 = 2;
const HOME: u32 = 2001;
const REMOTE: u32 = 2002;
/// A second regular station, run by PEC 2002.
const OTHER: u32 = 2003;
/// A station of Osh, another council, run by PEC 3001 under the Osh TEC.
const OSH: u32 = 3001;
/// Lives in Osh (not in the fixture's register: tests that need them import them).
const OSH_VOTER: u32 = 3;

fn number(n: u32) -> StationNumber {
    StationNumber::new(n).unwrap()
}

fn person(serial: u32, street: &str) -> RegisterRecord {
    let birth = date(1985, 3, 9);
    RegisterRecord {
        pin: Pin::compose(Sex::Female, birth, serial),
        surname: "Асанова".into(),
        given_name: "Айгүл".into(),
        patronymic: Some("Бакытовна".into()),
        sex: Sex::Female,
        birth_date: birth,
        citizen: true,
        biometrics: true,
        settlement: TerritoryId::parse("bishkek").unwrap(),
        street: street.into(),
        house: "7".into(),
        address_registered_on: date(2015, 1, 1),
        residence_stamp: false,
        court_incapable: false,
        imprisoned: false,
    }
}

/// The fixture's register: the first person on a mapped street, the second not.
fn register() -> [RegisterRecord; 2] {
    [
        person(LISTED, "Чүй проспекти"),
        person(UNLISTED, "Жок көчөсү"),
    ]
}

fn pin_of(serial: u32) -> Pin {
    person(serial, "").pin
}

/// 1 October 2024, inside CAL-02…CAL-11.
fn open() -> Timestamp {
    "2024-10-01T06:00:00Z".parse().unwrap()
}

const JPEG: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shailoo-app/tests/data/passport.jpg"
));

fn jpeg() -> PassportCopy {
    PassportCopy::parse(JPEG.to_vec()).unwrap()
}

/// Who files in these tests (the TEC above both PECs of Bishkek); the decisions are the
/// operator's, so that the filer never decides.
fn tec_filer() -> Actor {
    Actor::User {
        username: Username::parse("tec.filer").unwrap(),
        role: Role::TecMember,
        commission: mid("tec-bishkek"),
    }
}

/// A person of Osh, on the street of station 3001's area.
fn osh_voter() -> RegisterRecord {
    RegisterRecord {
        settlement: TerritoryId::parse("osh").unwrap(),
        ..person(OSH_VOTER, "Курманжан датка")
    }
}

fn pec_member(pec: &str) -> Actor {
    Actor::User {
        username: Username::parse("pec.member").unwrap(),
        role: Role::PecMember,
        commission: mid(pec),
    }
}

/// The shared Bishkek setup plus station 2003, Osh (its city council, TEC, PEC 3001 and
/// station 3001, electing too), one street with a station area each, two persons in the
/// register and the compiled lists (the first person listed at 2001, the second not).
async fn fixture(ctx: &Ctx) -> Db {
    let db = ctx.db().await;
    let mut s = setup();
    let mut other = s.stations[0].clone();
    other.number = number(OTHER);
    other.commission = mid("pec-2002");
    s.stations.push(other);
    let osh = TerritoryId::parse("osh").unwrap();
    let mut osh_city = s.territories[0].clone();
    osh_city.id = osh.clone();
    s.territories.push(osh_city);
    let mut council = s.councils[0].clone();
    council.id = CouncilId::parse("osh-city").unwrap();
    council.territory = osh.clone();
    s.councils.push(council);
    s.elections[0]
        .councils
        .push(CouncilId::parse("osh-city").unwrap());
    let mut tec = s.commissions[1].clone();
    tec.id = mid("tec-osh");
    tec.territory = osh.clone();
    s.commissions.push(tec);
    let mut pec = s.commissions[2].clone();
    pec.id = mid("pec-3001");
    pec.parent = Some(mid("tec-osh"));
    pec.territory = osh.clone();
    s.commissions.push(pec);
    let mut station = s.stations[0].clone();
    station.number = number(OSH);
    station.commission = mid("pec-3001");
    station.council = CouncilId::parse("osh-city").unwrap();
    station.territory = osh.clone();
    s.stations.push(station);
    let areas = [
        (HOME, "bishkek", "Чүй проспекти"),
        (OTHER, "bishkek", "Манас проспекти"),
        (OSH, "osh", "Курманжан датка"),
    ]
    .map(|(n, settlement, street)| StationArea {
        station: number(n),
        settlement: TerritoryId::parse(settlement).unwrap(),
        street: street.into(),
        street_ru: None,
        street_en: None,
    });
    db.import_setup(&s, &areas, event(AuditAction::SetupImported))
        .await
        .unwrap();
    let mut import = db
        .begin_register_import(ImportOptions::apply(
            "claims-test",
            "system",
            open(),
            None,
            None,
        ))
        .await
        .unwrap();
    let mut batcher = ImportBatcher::new(None, 10, 2);
    for p in register() {
        assert!(batcher.add(p).is_none());
    }
    let (batch, duplicates) = batcher.finish();
    import.push(&batch).await.unwrap();
    import.finish(&duplicates).await.unwrap();
    voters::compile(&db, &election(), "system", open())
        .await
        .unwrap();
    db
}

fn draft(serial: u32, station: u32, request: ClaimRequest) -> ClaimDraft {
    ClaimDraft {
        pin: pin_of(serial),
        station: number(station),
        request,
        statement: Some(Text::parse("I live here").unwrap()),
    }
}

fn surname(s: &str) -> ClaimRequest {
    ClaimRequest::Correction(
        DataCorrection::new(Some(Text::parse(s).unwrap()), None, None, None, None, None).unwrap(),
    )
}

async fn file(db: &Db, d: ClaimDraft) -> Result<ClaimId, ClaimError> {
    claims::file(db, &tec_filer(), &election(), d, jpeg(), open())
        .await
        .map(|c| c.id)
}

async fn decide(db: &Db, id: ClaimId, d: ClaimDecision) -> Result<ClaimStatus, ClaimError> {
    claims::decide(db, &Actor::System, &election(), id, d, open())
        .await
        .map(|c| c.status)
}

/// Files an inclusion of `serial` at `station` and has the PEC accept it.
async fn include(db: &Db, serial: u32, station: u32) {
    let claim = file(db, draft(serial, station, ClaimRequest::Inclusion))
        .await
        .unwrap();
    decide(db, claim, accept()).await.unwrap();
}

fn accept() -> ClaimDecision {
    ClaimDecision::Accept {
        note: Some(Text::parse("passport checked").unwrap()),
    }
}

/// `council home_station station` of a voter, read back with plain SQL ("" when unlisted).
async fn entry(ctx: &Ctx, serial: u32) -> String {
    let rows = ctx
        .raw_pairs(&format!(
            "SELECT council, station FROM voter_list_entries WHERE election = 'local-2024' \
             AND pin = '{}' AND home_station = station",
            pin_of(serial)
        ))
        .await;
    rows.first()
        .map(|(c, s)| format!("{c} {s}"))
        .unwrap_or_default()
}

async fn ineligible(ctx: &Ctx, serial: u32) -> bool {
    !ctx.raw_pairs(&format!(
        "SELECT pin, reasons FROM voter_ineligible WHERE election = 'local-2024' AND pin = '{}'",
        pin_of(serial)
    ))
    .await
    .is_empty()
}

async fn audit_actions(db: &Db) -> Vec<String> {
    db.audit_entries(0, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event.action)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Tests

async fn vot_08_accepted_inclusion_puts_an_unlisted_voter_on_the_list_with_history(ctx: Ctx) {
    let db = fixture(&ctx).await;
    assert_eq!(entry(&ctx, UNLISTED).await, "");
    assert!(ineligible(&ctx, UNLISTED).await);
    let id = file(&db, draft(UNLISTED, OTHER, ClaimRequest::Inclusion))
        .await
        .unwrap();
    // Filing alone changes no list.
    assert_eq!(entry(&ctx, UNLISTED).await, "");
    let stored = db.claim(&election(), id).await.unwrap().unwrap();
    assert_eq!(stored.status, ClaimStatus::Filed);
    assert_eq!(stored.channel, Channel::Commission);
    assert_eq!(stored.copy.digest, jpeg().digest());
    let copy = db.passport_copy(&election(), id).await.unwrap().unwrap();
    assert_eq!(copy.bytes(), jpeg().bytes());

    let status = decide(&db, id, accept()).await.unwrap();
    assert_eq!(status.state(), ClaimState::Accepted);
    assert_eq!(status.text().map(Text::as_str), Some("passport checked"));
    assert_eq!(entry(&ctx, UNLISTED).await, format!("bishkek-city {OTHER}"));
    assert!(!ineligible(&ctx, UNLISTED).await);
    let placed = db
        .voter_status(&election(), &pin_of(UNLISTED))
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(placed.placement, Placement::OnList { station, .. } if station.get() == OTHER)
    );

    // The history says what changed, from what, by whom and why.
    let history = db.amendments(&election(), &pin_of(UNLISTED)).await.unwrap();
    let rows: Vec<(Field, Option<&str>, &str)> = history
        .iter()
        .map(|a| (a.field, a.before.as_deref(), a.after.as_str()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (Field::Council, None, "bishkek-city"),
            (Field::Station, None, "2003")
        ]
    );
    assert!(history.iter().all(|a| a.claim == id
        && a.by == "system"
        && a.note.as_deref() == Some("passport checked")));
    let actions = audit_actions(&db).await;
    assert!(actions.ends_with(&[
        AuditAction::VoterListClaimFiled.as_str().to_owned(),
        AuditAction::VoterListClaimAccepted.as_str().to_owned()
    ]));
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

/// Lists compiled when Чүй проспекти still belonged to station 2003's area: the voter is
/// listed at 2003, their address is 2001's now.
async fn listed_away_from_home(ctx: &Ctx) {
    ctx.raw(&format!(
        "UPDATE voter_list_entries SET home_station = {OTHER}, station = {OTHER} \
         WHERE election = 'local-2024' AND pin = '{}'",
        pin_of(LISTED)
    ))
    .await;
}

async fn vot_08_accepted_inclusion_moves_a_voter_listed_at_another_station(ctx: Ctx) {
    let db = fixture(&ctx).await;
    assert_eq!(entry(&ctx, LISTED).await, format!("bishkek-city {HOME}"));
    // Already on that list: nothing to claim.
    assert!(matches!(
        file(&db, draft(LISTED, HOME, ClaimRequest::Inclusion)).await,
        Err(ClaimError::AlreadyListed(s)) if s.get() == HOME
    ));
    // A remote-voting station keeps no list a claim can change.
    assert!(matches!(
        file(&db, draft(LISTED, REMOTE, ClaimRequest::Inclusion)).await,
        Err(ClaimError::StationNotForClaims(_))
    ));
    listed_away_from_home(&ctx).await;
    assert_eq!(entry(&ctx, LISTED).await, format!("bishkek-city {OTHER}"));
    let id = file(&db, draft(LISTED, HOME, ClaimRequest::Inclusion))
        .await
        .unwrap();
    decide(&db, id, ClaimDecision::Accept { note: None })
        .await
        .unwrap();
    assert_eq!(entry(&ctx, LISTED).await, format!("bishkek-city {HOME}"));
    let history = db.amendments(&election(), &pin_of(LISTED)).await.unwrap();
    assert_eq!(history.len(), 1, "the council did not change");
    assert_eq!(
        (
            history[0].field,
            history[0].before.as_deref(),
            history[0].after.as_str()
        ),
        (Field::Station, Some("2003"), "2001")
    );
}

/// The review's case: a Bishkek PEC member files an inclusion of a voter listed in Osh at their
/// own station, with bytes that begin like a JPEG, and would accept it. Neither the copy, nor
/// the place, nor the decision by the filer is accepted, and the voter stays on the Osh list.
async fn vot_04_vot_08_no_claim_moves_a_voter_away_from_their_address_or_council(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let mut persons = register().to_vec();
    persons.push(osh_voter());
    import_compiling(&db, persons).await;
    assert_eq!(entry(&ctx, OSH_VOTER).await, format!("osh-city {OSH}"));
    let bishkek_pec = pec_member("pec-2001");
    assert!(matches!(
        PassportCopy::parse(vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F']),
        Err(ClaimError::CopyMalformed)
    ));
    let refused = claims::file(
        &db,
        &bishkek_pec,
        &election(),
        draft(OSH_VOTER, HOME, ClaimRequest::Inclusion),
        jpeg(),
        open(),
    )
    .await;
    assert!(
        matches!(&refused, Err(ClaimError::OtherCouncil { listed }) if listed.as_str() == "osh-city"),
        "{refused:?}"
    );
    // Not listed anywhere (say the register had made them ineligible): still no inclusion
    // away from the station of their address.
    ctx.raw(&format!(
        "DELETE FROM voter_list_entries WHERE pin = '{}'",
        pin_of(OSH_VOTER)
    ))
    .await;
    assert!(matches!(
        claims::file(
            &db,
            &bishkek_pec,
            &election(),
            draft(OSH_VOTER, HOME, ClaimRequest::Inclusion),
            jpeg(),
            open()
        )
        .await,
        Err(ClaimError::AddressServedElsewhere(s)) if s.get() == OSH
    ));
    // Within one council, away from the address's station: refused too.
    assert!(matches!(
        file(&db, draft(LISTED, OTHER, ClaimRequest::Inclusion)).await,
        Err(ClaimError::AddressServedElsewhere(s)) if s.get() == HOME
    ));
    assert_eq!(
        claims::claims(&db, &Actor::System, &election(), &ClaimFilter::default())
            .await
            .unwrap()
            .len(),
        0
    );
    assert_eq!(entry(&ctx, LISTED).await, format!("bishkek-city {HOME}"));
}

async fn vot_08_the_one_who_files_never_decides(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let member = pec_member("pec-2001");
    let id = claims::file(
        &db,
        &member,
        &election(),
        draft(UNLISTED, HOME, ClaimRequest::Inclusion),
        jpeg(),
        open(),
    )
    .await
    .unwrap()
    .id;
    for decision in [accept(), ClaimDecision::parse("reject", "no").unwrap()] {
        assert!(matches!(
            claims::decide(&db, &member, &election(), id, decision, open()).await,
            Err(ClaimError::OwnClaim)
        ));
    }
    assert_eq!(entry(&ctx, UNLISTED).await, "");
    // Another member of the same PEC decides.
    let colleague = Actor::User {
        username: Username::parse("pec.colleague").unwrap(),
        role: Role::PecMember,
        commission: mid("pec-2001"),
    };
    claims::decide(&db, &colleague, &election(), id, accept(), open())
        .await
        .unwrap();
    assert_eq!(entry(&ctx, UNLISTED).await, format!("bishkek-city {HOME}"));
}

/// A voter listed at 2003 (PEC 2002) claims inclusion at 2001, their address's station: PEC
/// 2002 sees the claim in its list and on the voter's page, decides nothing, and sees none of
/// the voter's claims elsewhere; PEC 2001 sees only what it covers too.
async fn vot_08_the_home_commission_sees_what_happens_to_its_voter_and_no_one_else_does(ctx: Ctx) {
    let db = fixture(&ctx).await;
    listed_away_from_home(&ctx).await;
    let inclusion = file(&db, draft(LISTED, HOME, ClaimRequest::Inclusion))
        .await
        .unwrap();
    let stored = db.claim(&election(), inclusion).await.unwrap().unwrap();
    assert_eq!(stored.home_station, Some(number(OTHER)));
    let home_pec = pec_member("pec-2002");
    let seen = claims::claims(&db, &home_pec, &election(), &ClaimFilter::default())
        .await
        .unwrap();
    assert_eq!(
        seen.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![inclusion]
    );
    assert!(
        claims::claim(&db, &home_pec, &election(), inclusion)
            .await
            .is_ok()
    );
    assert!(matches!(
        claims::decide(&db, &home_pec, &election(), inclusion, accept(), open()).await,
        Err(ClaimError::Forbidden)
    ));
    decide(&db, inclusion, accept()).await.unwrap();
    // What became of it: the home PEC sees the decision and the amendment.
    let record = claims::voter_record(&db, &home_pec, &election(), &pin_of(LISTED))
        .await
        .unwrap();
    assert_eq!(record.claims.len(), 1);
    assert_eq!(record.claims[0].status.state(), ClaimState::Accepted);
    assert_eq!(record.amendments.len(), 1);
    // A correction filed at 2001 afterwards (the voter is 2001's now): PEC 2002 no longer
    // covers the voter and does not see it; PEC 2001 sees both.
    let correction = file(&db, draft(LISTED, HOME, surname("Асанбекова")))
        .await
        .unwrap();
    decide(&db, correction, accept()).await.unwrap();
    let record = claims::voter_record(&db, &home_pec, &election(), &pin_of(LISTED))
        .await
        .unwrap();
    assert_eq!(
        record.claims.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![inclusion]
    );
    assert!(record.amendments.iter().all(|a| a.claim == inclusion));
    assert_eq!(record.correction, None);
    let own = claims::voter_record(&db, &pec_member("pec-2001"), &election(), &pin_of(LISTED))
        .await
        .unwrap();
    assert_eq!(own.claims.len(), 2);
    assert_eq!(own.amendments.len(), 2);
    assert!(own.correction.is_some());
    // A PEC with no claim of the voter and no list holding them sees nothing at all.
    assert!(matches!(
        claims::voter_record(&db, &pec_member("pec-3001"), &election(), &pin_of(LISTED)).await,
        Err(ClaimError::Forbidden)
    ));
}

/// An accepted inclusion of a voter whose street no area lists; a newer register extract
/// gives them an address in the area of the other station: the recompile lists them there, by
/// their address, and the old inclusion is not re-applied.
async fn vot_08_a_recompile_follows_a_new_address_not_an_old_inclusion(ctx: Ctx) {
    let db = fixture(&ctx).await;
    include(&db, UNLISTED, HOME).await;
    assert_eq!(entry(&ctx, UNLISTED).await, format!("bishkek-city {HOME}"));
    let mut moved = register();
    moved[1].street = "Манас проспекти".into();
    import_compiling(&db, moved.to_vec()).await;
    assert_eq!(entry(&ctx, UNLISTED).await, format!("bishkek-city {OTHER}"));
    // Moved to Osh: the Osh list, not the Bishkek one the PEC once chose.
    let mut to_osh = register();
    to_osh[1].settlement = TerritoryId::parse("osh").unwrap();
    to_osh[1].street = "Курманжан датка".into();
    import_compiling(&db, to_osh.to_vec()).await;
    assert_eq!(entry(&ctx, UNLISTED).await, format!("osh-city {OSH}"));
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

async fn vot_08_a_forged_passport_copy_is_refused(ctx: Ctx) {
    let db = fixture(&ctx).await;
    // What the review filed: any bytes after a JPEG's magic.
    let forged = b"\xFF\xD8\xFF\xE0 anything at all, 'passport.jpg'".to_vec();
    assert!(matches!(
        PassportCopy::parse(forged),
        Err(ClaimError::CopyMalformed)
    ));
    // A copy filed before the structural check is still served (the digest is checked).
    let id = file(&db, draft(UNLISTED, HOME, ClaimRequest::Inclusion))
        .await
        .unwrap();
    let old = vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2];
    let digest = PassportCopy::from_stored(old.clone())
        .unwrap()
        .digest()
        .to_owned();
    let hex: String = old.iter().map(|b| format!("{b:02x}")).collect();
    let bytes = match ctx.engine {
        Engine::Sqlite => format!("X'{hex}'"),
        Engine::Postgres => format!("'\\x{hex}'::bytea"),
    };
    ctx.raw(&format!(
        "UPDATE voter_list_claim_copies SET bytes = {bytes}, digest = '{digest}', size = 6 \
         WHERE claim_id = {id}"
    ))
    .await;
    let served = db.passport_copy(&election(), id).await.unwrap().unwrap();
    assert_eq!(served.bytes(), old.as_slice());
}

async fn vot_08_accepted_correction_is_kept_beside_the_register(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let id = file(&db, draft(LISTED, HOME, surname("Асанбекова")))
        .await
        .unwrap();
    decide(&db, id, accept()).await.unwrap();
    // The register is untouched; the correction is what the lists show.
    assert_eq!(
        ctx.raw_text(&format!(
            "SELECT surname FROM persons WHERE pin = '{}'",
            pin_of(LISTED)
        ))
        .await,
        "Асанова"
    );
    let shown = db
        .list_corrections(&election(), Some(number(HOME)))
        .await
        .unwrap();
    assert_eq!(shown.len(), 1);
    assert_eq!(
        shown[0].data.surname().map(Text::as_str),
        Some("Асанбекова")
    );
    assert!(
        db.list_corrections(&election(), Some(number(OTHER)))
            .await
            .unwrap()
            .is_empty()
    );
    // A second correction overlays the first; the history keeps both, before → after.
    let house = ClaimRequest::Correction(
        DataCorrection::new(
            None,
            None,
            None,
            None,
            None,
            Some(Text::parse("9А").unwrap()),
        )
        .unwrap(),
    );
    let second = file(&db, draft(LISTED, HOME, house)).await.unwrap();
    decide(&db, second, ClaimDecision::Accept { note: None })
        .await
        .unwrap();
    let shown = db.list_corrections(&election(), None).await.unwrap();
    assert_eq!(
        shown[0].data.surname().map(Text::as_str),
        Some("Асанбекова")
    );
    assert_eq!(shown[0].data.house().map(Text::as_str), Some("9А"));
    let record = db
        .voter_status(&election(), &pin_of(LISTED))
        .await
        .unwrap()
        .unwrap()
        .person;
    let printed = shown[0].data.apply(&record);
    assert_eq!(
        (printed.surname.as_str(), printed.house.as_str()),
        ("Асанбекова", "9А")
    );
    let history = db.amendments(&election(), &pin_of(LISTED)).await.unwrap();
    let rows: Vec<(Field, Option<&str>, &str)> = history
        .iter()
        .map(|a| (a.field, a.before.as_deref(), a.after.as_str()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (Field::Surname, Some("Асанова"), "Асанбекова"),
            (Field::House, Some("7"), "9А")
        ]
    );
}

async fn vot_08_rejection_changes_nothing_and_keeps_the_reason(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let id = file(&db, draft(UNLISTED, HOME, ClaimRequest::Inclusion))
        .await
        .unwrap();
    let status = decide(
        &db,
        id,
        ClaimDecision::parse("reject", "no residence in the area").unwrap(),
    )
    .await
    .unwrap();
    assert!(matches!(&status, ClaimStatus::Rejected { reason, decided }
        if reason.as_str() == "no residence in the area" && decided.by == "system"));
    assert_eq!(entry(&ctx, UNLISTED).await, "");
    assert!(ineligible(&ctx, UNLISTED).await);
    assert!(
        db.amendments(&election(), &pin_of(UNLISTED))
            .await
            .unwrap()
            .is_empty()
    );
    // Decided once: neither decision applies again.
    assert!(matches!(
        decide(&db, id, accept()).await,
        Err(ClaimError::AlreadyDecided)
    ));
    // The voter sees the status and the reason.
    let mine = claims::claims_of_voter(&db, &election(), &pin_of(UNLISTED))
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].status, status);
}

async fn vot_08_one_open_claim_per_voter_and_kind(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let first = file(&db, draft(UNLISTED, HOME, ClaimRequest::Inclusion))
        .await
        .unwrap();
    assert!(matches!(
        file(&db, draft(UNLISTED, OTHER, ClaimRequest::Inclusion)).await,
        Err(ClaimError::AlreadyOpen)
    ));
    // Another kind may be open beside it.
    file(&db, draft(UNLISTED, HOME, surname("Асанбекова")))
        .await
        .unwrap();
    // The unique index holds even behind the store's back.
    let sql = format!(
        "INSERT INTO voter_list_claims (id, election, pin, kind, station, channel, filed_by, \
         filed_at, status) VALUES (99, 'local-2024', '{}', 'inclusion', {OTHER}, 'commission', \
         'x', '2024-10-01T06:00:00Z', 'filed')",
        pin_of(UNLISTED)
    );
    let raw = match ctx.engine {
        Engine::Sqlite => {
            use sqlx::Connection;
            let mut c = sqlx::SqliteConnection::connect(&ctx.url).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut c)
                .await
                .map(|_| ())
        }
        Engine::Postgres => {
            use sqlx::Connection;
            let mut c = sqlx::PgConnection::connect(&ctx.url).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut c)
                .await
                .map(|_| ())
        }
    };
    assert!(
        raw.is_err(),
        "voter_list_claims_open must refuse a second open claim"
    );
    // Once decided, a new claim of that kind may be filed.
    decide(
        &db,
        first,
        ClaimDecision::parse("reject", "wrong station").unwrap(),
    )
    .await
    .unwrap();
    file(&db, draft(UNLISTED, OTHER, ClaimRequest::Inclusion))
        .await
        .unwrap();
    let open = db
        .claims(
            &election(),
            &ClaimFilter {
                state: Some(ClaimState::Filed),
                kind: Some(ClaimKind::Inclusion),
                ..ClaimFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].station.get(), OTHER);
}

async fn vot_08_frozen_lists_refuse_filing_and_decisions(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let id = file(&db, draft(UNLISTED, HOME, ClaimRequest::Inclusion))
        .await
        .unwrap();
    let published: Timestamp = "2024-09-23T06:00:00Z".parse().unwrap();
    voters::take_step(&db, &election(), ListStep::Published, "system", published)
        .await
        .unwrap();
    let after_cal_12: Timestamp = "2024-11-02T06:00:00Z".parse().unwrap();
    voters::take_step(&db, &election(), ListStep::Frozen, "system", after_cal_12)
        .await
        .unwrap();
    assert!(matches!(
        decide(&db, id, accept()).await,
        Err(ClaimError::Frozen { .. })
    ));
    // The store refuses too, whatever the calendar said.
    assert!(matches!(
        file(&db, draft(LISTED, HOME, surname("Асанбекова"))).await,
        Err(ClaimError::Frozen { .. })
    ));
    assert_eq!(entry(&ctx, UNLISTED).await, "");
}

async fn vot_08_claims_close_at_the_end_of_cal_11(ctx: Ctx) {
    let db = fixture(&ctx).await;
    // CAL-11: 1 November 2024, end of day in Bishkek (UTC+6).
    let last_minute: Timestamp = "2024-11-01T17:59:00Z".parse().unwrap();
    let too_late: Timestamp = "2024-11-01T18:00:00Z".parse().unwrap();
    let late = claims::file(
        &db,
        &tec_filer(),
        &election(),
        draft(UNLISTED, HOME, ClaimRequest::Inclusion),
        jpeg(),
        too_late,
    )
    .await;
    assert!(matches!(late, Err(ClaimError::Calendar(_))), "{late:?}");
    assert_eq!(late.unwrap_err().code(), ErrorCode::ActionClosed);
    let filed = claims::file(
        &db,
        &tec_filer(),
        &election(),
        draft(UNLISTED, HOME, ClaimRequest::Inclusion),
        jpeg(),
        last_minute,
    )
    .await
    .unwrap();
    // A claim filed on the last day is still decided afterwards (until the lists freeze).
    claims::decide(
        &db,
        &Actor::System,
        &election(),
        filed.id,
        accept(),
        too_late,
    )
    .await
    .unwrap();
    assert_eq!(entry(&ctx, UNLISTED).await, format!("bishkek-city {HOME}"));
}

/// A register import of `persons` that compiles the lists in the same transaction.
async fn import_compiling(db: &Db, persons: Vec<RegisterRecord>) -> ImportReport {
    let compiler = Arc::new(voters::compiler_for(db, &election()).await.unwrap());
    let options = ImportOptions::apply("again", "system", open(), Some(compiler), None);
    import_confirmed(db, options, &persons).await.unwrap()
}

async fn vot_08_accepted_claims_survive_a_recompile(ctx: Ctx) {
    let db = fixture(&ctx).await;
    include(&db, UNLISTED, OTHER).await;
    let c = file(&db, draft(LISTED, HOME, surname("Асанбекова")))
        .await
        .unwrap();
    decide(&db, c, accept()).await.unwrap();
    let report = voters::compile(&db, &election(), "system", open())
        .await
        .unwrap();
    assert_eq!(entry(&ctx, UNLISTED).await, format!("bishkek-city {OTHER}"));
    assert!(!ineligible(&ctx, UNLISTED).await);
    // The counts are those of the lists, the included voter among the listed ones.
    let listed_only = |r: &voters::CompileReport| (r.eligible, r.ineligible, r.by_reason.len());
    assert_eq!(listed_only(&report), (2, 0, 0));
    let state = db.voter_list_state(&election()).await.unwrap().unwrap();
    assert_eq!((state.eligible, state.ineligible), (2, 0));
    // A register import that compiles in the same transaction keeps them too.
    let imported = import_compiling(&db, register().to_vec()).await;
    assert_eq!(imported.compiled.as_ref().map(listed_only), Some((2, 0, 0)));
    assert_eq!(entry(&ctx, UNLISTED).await, format!("bishkek-city {OTHER}"));
    assert!(!ineligible(&ctx, UNLISTED).await);
    assert_eq!(entry(&ctx, LISTED).await, format!("bishkek-city {HOME}"));
    assert_eq!(
        db.list_corrections(&election(), Some(number(HOME)))
            .await
            .unwrap()
            .len(),
        1
    );
    let counts = db
        .list_counts(&election(), voters::CountBy::Station)
        .await
        .unwrap();
    assert_eq!(
        counts
            .iter()
            .map(|c| (c.key.as_str(), c.voters))
            .collect::<Vec<_>>(),
        vec![("2001", 1), ("2003", 1)]
    );
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

/// The PEC overruled what kept the voter off the lists then (an address no station area covers);
/// a newer register extract that says the voter is imprisoned (VOT-05) is not overruled by it:
/// the compile leaves them off, with both reasons. Released again, they are back on the list.
async fn vot_08_a_reapplied_inclusion_yields_to_a_reason_the_pec_did_not_overrule(ctx: Ctx) {
    let db = fixture(&ctx).await;
    include(&db, UNLISTED, OTHER).await;
    assert_eq!(entry(&ctx, UNLISTED).await, format!("bishkek-city {OTHER}"));

    let mut sentenced = register();
    sentenced[1].imprisoned = true;
    let report = import_compiling(&db, sentenced.to_vec()).await;
    let compiled = report.compiled.unwrap();
    assert_eq!((compiled.eligible, compiled.ineligible), (1, 1));
    assert_eq!(entry(&ctx, UNLISTED).await, "");
    let reasons = ctx
        .raw_pairs(&format!(
            "SELECT pin, reasons FROM voter_ineligible WHERE election = 'local-2024' \
             AND pin = '{}'",
            pin_of(UNLISTED)
        ))
        .await;
    let reasons = Reasons::from_bits(u16::try_from(reasons[0].1).unwrap()).unwrap();
    // The overruled reason is kept beside the new one.
    assert!(
        reasons.contains(IneligibilityReason::AddressOutsideCommunity)
            && reasons.contains(IneligibilityReason::Imprisoned)
            && reasons.len() == 2,
        "{reasons:?}"
    );

    let report = import_compiling(&db, register().to_vec()).await;
    assert_eq!(
        report.compiled.map(|c| (c.eligible, c.ineligible)),
        Some((2, 0))
    );
    assert_eq!(entry(&ctx, UNLISTED).await, format!("bishkek-city {OTHER}"));
    assert!(!ineligible(&ctx, UNLISTED).await);
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

/// A PEC that decided while the lists did not hold the voter at all (as before the first
/// compile) saw no reason, so it overruled whatever the register says: the compile after keeps
/// the voter on the claimed station's list, imprisoned or not.
async fn vot_08_an_inclusion_decided_off_the_compiled_lists_overrules_every_reason(ctx: Ctx) {
    let db = fixture(&ctx).await;
    ctx.raw(&format!(
        "DELETE FROM voter_ineligible WHERE election = 'local-2024' AND pin = '{}'",
        pin_of(UNLISTED)
    ))
    .await;
    include(&db, UNLISTED, OTHER).await;
    let mut sentenced = register();
    sentenced[1].imprisoned = true;
    let report = import_compiling(&db, sentenced.to_vec()).await;
    assert_eq!(
        report.compiled.map(|c| (c.eligible, c.ineligible)),
        Some((2, 0))
    );
    assert_eq!(entry(&ctx, UNLISTED).await, format!("bishkek-city {OTHER}"));
    assert!(!ineligible(&ctx, UNLISTED).await);
}

async fn vot_08_concurrent_decisions_decide_once(ctx: Ctx) {
    let db = Arc::new(fixture(&ctx).await);
    let id = file(&db, draft(UNLISTED, OTHER, ClaimRequest::Inclusion))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..4 {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            let d = if i % 2 == 0 {
                accept()
            } else {
                ClaimDecision::parse("reject", "duplicate").unwrap()
            };
            decide(&db, id, d).await
        }));
    }
    let mut decided = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => decided += 1,
            Err(ClaimError::AlreadyDecided) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(decided, 1);
    let actions = audit_actions(&db).await;
    let decisions = actions
        .iter()
        .filter(|a| {
            *a == AuditAction::VoterListClaimAccepted.as_str()
                || *a == AuditAction::VoterListClaimRejected.as_str()
        })
        .count();
    assert_eq!(decisions, 1);
    assert!(verify_audit(&*db).await.unwrap().is_ok());
}

async fn vot_08_only_covering_staff_and_the_voter_themself_may_file(ctx: Ctx) {
    let db = fixture(&ctx).await;
    // PEC 2002 runs station 2003, not 2001.
    let wrong_pec = claims::file(
        &db,
        &pec_member("pec-2002"),
        &election(),
        draft(UNLISTED, HOME, ClaimRequest::Inclusion),
        jpeg(),
        open(),
    )
    .await;
    assert!(matches!(wrong_pec, Err(ClaimError::Forbidden)));
    let own = claims::file(
        &db,
        &pec_member("pec-2001"),
        &election(),
        draft(UNLISTED, HOME, ClaimRequest::Inclusion),
        jpeg(),
        open(),
    )
    .await
    .unwrap();
    assert!(matches!(
        claims::decide(
            &db,
            &pec_member("pec-2002"),
            &election(),
            own.id,
            accept(),
            open()
        )
        .await,
        Err(ClaimError::Forbidden)
    ));
    assert!(matches!(
        claims::passport_copy(&db, &pec_member("pec-2002"), &election(), own.id).await,
        Err(ClaimError::Forbidden)
    ));
    assert!(
        claims::claims(
            &db,
            &pec_member("pec-2002"),
            &election(),
            &ClaimFilter::default()
        )
        .await
        .unwrap()
        .is_empty()
    );
    // A voter files for themself only, online; a listed voter's correction goes to their PEC.
    let voter = Actor::Voter {
        pin: pin_of(LISTED),
    };
    assert!(matches!(
        claims::file(
            &db,
            &voter,
            &election(),
            draft(UNLISTED, HOME, surname("X")),
            jpeg(),
            open()
        )
        .await,
        Err(ClaimError::Forbidden)
    ));
    assert!(matches!(
        claims::file(&db, &voter, &election(), draft(LISTED, OTHER, surname("X")), jpeg(), open())
            .await,
        Err(ClaimError::WrongStation { listed }) if listed.get() == HOME
    ));
    let online = claims::file(
        &db,
        &voter,
        &election(),
        draft(LISTED, HOME, surname("Асанбекова")),
        jpeg(),
        open(),
    )
    .await
    .unwrap();
    assert_eq!(online.channel, Channel::Cabinet);
    assert_eq!(online.filed_by, "voter");
    // A voter decides nothing.
    assert!(matches!(
        claims::decide(&db, &voter, &election(), online.id, accept(), open()).await,
        Err(ClaimError::Forbidden)
    ));
}

async fn vot_08_the_look_up_finds_a_voter_included_by_claim(ctx: Ctx) {
    let db: Arc<dyn Store> = Arc::new(fixture(&ctx).await);
    let index = VoterLookup::new(db.clone(), true);
    index.refresh().await.unwrap();
    assert!(index.index_ready());
    assert!(matches!(
        index.find(None, &pin_of(UNLISTED)).await.unwrap(),
        LookupOutcome::NotOnList { .. }
    ));
    let id = claims::file(
        &*db,
        &tec_filer(),
        &election(),
        draft(UNLISTED, OTHER, ClaimRequest::Inclusion),
        jpeg(),
        open(),
    )
    .await
    .unwrap()
    .id;
    // Filing changes no list: the index only advances its version.
    assert!(matches!(
        index.refresh().await.unwrap(),
        Refreshed::Advanced { .. }
    ));
    claims::decide(&*db, &Actor::System, &election(), id, accept(), open())
        .await
        .unwrap();
    // Accepting changes a list: the index rebuilds and knows the voter.
    assert!(matches!(
        index.refresh().await.unwrap(),
        Refreshed::Rebuilt { .. }
    ));
    match index.find(None, &pin_of(UNLISTED)).await.unwrap() {
        LookupOutcome::Found { station, .. } => {
            assert_eq!(station.votes_at().number.get(), OTHER);
            assert_eq!(station.council.id.as_str(), "bishkek-city");
        }
        other => panic!("not found: {other:?}"),
    }
    assert!(
        db.voter_station(&election(), &pin_of(UNLISTED))
            .await
            .unwrap()
            .is_some()
    );
}

async fn staff_see_the_claims_of_the_stations_they_cover_and_no_others(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let at_home = file(&db, draft(LISTED, HOME, surname("Асанбекова")))
        .await
        .unwrap();
    let at_other = file(&db, draft(UNLISTED, OTHER, ClaimRequest::Inclusion))
        .await
        .unwrap();
    let seen_by = |actor: Actor| {
        let db = db.clone();
        async move {
            claims::claims(&db, &actor, &election(), &ClaimFilter::default())
                .await
                .unwrap()
                .into_iter()
                .map(|c| c.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(seen_by(pec_member("pec-2001")).await, vec![at_home]);
    assert_eq!(seen_by(pec_member("pec-2002")).await, vec![at_other]);
    let tec = Actor::User {
        username: Username::parse("tec.member").unwrap(),
        role: Role::TecMember,
        commission: mid("tec-bishkek"),
    };
    assert_eq!(seen_by(tec).await, vec![at_other, at_home]);
    assert_eq!(seen_by(Actor::System).await, vec![at_other, at_home]);
    // The store applies the filter itself, before its cap of 500 rows.
    let within = db
        .claims(
            &election(),
            &ClaimFilter {
                within: Some(mid("pec-2002")),
                ..ClaimFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(within.len(), 1);
    assert_eq!(within[0].id, at_other);
}

/// Here rather than in `remote.rs` because this file's fixture compiles the lists from a
/// register, which a recompile needs.
async fn vot_07_approved_remote_voting_survives_a_recompile(ctx: Ctx) {
    use shailoo_app::remote::{self, Decision};
    let db = fixture(&ctx).await;
    let id = remote::file(
        &db,
        &Actor::System,
        &election(),
        &pin_of(LISTED),
        number(REMOTE),
        open(),
    )
    .await
    .unwrap()
    .id;
    remote::decide(
        &db,
        &Actor::System,
        &election(),
        id,
        Decision::Approve {
            default_capacity: 10,
        },
        open(),
    )
    .await
    .unwrap();
    let station = || async {
        ctx.raw_pairs(&format!(
            "SELECT CAST(home_station AS TEXT), station FROM voter_list_entries \
             WHERE election = 'local-2024' AND pin = '{}'",
            pin_of(LISTED)
        ))
        .await
    };
    let moved = vec![(HOME.to_string(), i64::from(REMOTE))];
    assert_eq!(station().await, moved);
    voters::compile(&db, &election(), "system", open())
        .await
        .unwrap();
    assert_eq!(
        station().await,
        moved,
        "the approval outlives the recompile"
    );
    let counts = db.remote_station_counts(&election(), 10).await.unwrap();
    assert_eq!(counts.iter().map(|c| c.approved).sum::<u64>(), 1);

    // A newer extract without the voter: the approval lapses instead of holding a place of the
    // remote station's capacity for nobody.
    import_compiling(&db, vec![person(UNLISTED, "Жок көчөсү")]).await;
    assert_eq!(station().await, vec![]);
    let counts = db.remote_station_counts(&election(), 10).await.unwrap();
    assert_eq!(counts.iter().map(|c| c.approved).sum::<u64>(), 0);
    let status = ctx
        .raw_text(&format!(
            "SELECT status FROM remote_applications WHERE id = {}",
            id
        ))
        .await;
    assert_eq!(status, "cancelled");
    let audit = db.audit_entries(0, 100).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.event.action == "remote_applications_lapsed"),
        "the lapse is in the audit log"
    );
    assert!(verify_audit(&db).await.unwrap().is_ok());
}

async fn vot_08_the_printed_list_shows_an_accepted_correction(ctx: Ctx) {
    let db = fixture(&ctx).await;
    let printed_surname = || async {
        voters::station_roll(&db, &Actor::System, &election(), number(HOME))
            .await
            .unwrap()
            .voters
            .into_iter()
            .map(|v| v.person.surname)
            .collect::<Vec<_>>()
    };
    assert_eq!(printed_surname().await, vec!["Асанова".to_owned()]);
    let id = file(&db, draft(LISTED, HOME, surname("Асанбекова")))
        .await
        .unwrap();
    // Filed is not decided: the list still shows the register.
    assert_eq!(printed_surname().await, vec!["Асанова".to_owned()]);
    decide(&db, id, accept()).await.unwrap();
    assert_eq!(printed_surname().await, vec!["Асанбекова".to_owned()]);
}

// ---------------------------------------------------------------------------------------------
// CAL-19: when the PEC must decide, under the election's rule parameters in force

async fn set_rule(db: &Db, changes: serde_json::Value) {
    shailoo_app::params::set(
        db,
        &Actor::System,
        &election(),
        changes.as_object().unwrap(),
        open(),
    )
    .await
    .unwrap();
}

async fn cal_19_claim_decision_days_in_force_set_when_a_claim_is_due(ctx: Ctx) {
    use shailoo_domain::calendar::ClaimDecisionDue;
    let db = fixture(&ctx).await;
    // Filed on 1 October 2024, 12:00 in Bishkek (by the TEC: the filer never decides).
    let filed = claims::file(
        &db,
        &tec_filer(),
        &election(),
        draft(2, HOME, ClaimRequest::Inclusion),
        jpeg(),
        open(),
    )
    .await
    .unwrap();
    let two_days_later: Timestamp = "2024-10-03T06:00:00Z".parse().unwrap();
    // By default: the same day, so due at 00:00 of 2 October (Bishkek).
    let d = claims::decision_deadlines(&db, &election()).await.unwrap();
    assert_eq!(
        d.due(&filed),
        ClaimDecisionDue::By("2024-10-01T18:00:00Z".parse().unwrap())
    );
    assert!(d.is_overdue(&filed, two_days_later));
    set_rule(&db, serde_json::json!({"claim_decision_days": 3})).await;
    let d = claims::decision_deadlines(&db, &election()).await.unwrap();
    assert_eq!(
        d.due(&filed),
        ClaimDecisionDue::By("2024-10-04T18:00:00Z".parse().unwrap())
    );
    assert!(!d.is_overdue(&filed, two_days_later));
    // A decided claim is never overdue.
    let decided = claims::decide(
        &db,
        &Actor::System,
        &election(),
        filed.id,
        ClaimDecision::Accept { note: None },
        two_days_later,
    )
    .await
    .unwrap();
    assert!(!d.is_overdue(&decided, "2024-10-09T06:00:00Z".parse().unwrap()));
}

async fn cal_19_claim_immediate_days_in_force_make_a_claim_due_at_once(ctx: Ctx) {
    use shailoo_domain::calendar::ClaimDecisionDue;
    let db = fixture(&ctx).await;
    let filed = claims::file(
        &db,
        &Actor::System,
        &election(),
        draft(2, HOME, ClaimRequest::Inclusion),
        jpeg(),
        open(),
    )
    .await
    .unwrap();
    let d = claims::decision_deadlines(&db, &election()).await.unwrap();
    assert!(matches!(d.due(&filed), ClaimDecisionDue::By(_)));
    // From 50 days before voting day (28 September) on, claims are decided at once.
    set_rule(
        &db,
        serde_json::json!({"claim_immediate_days_before_voting": 50}),
    )
    .await;
    let d = claims::decision_deadlines(&db, &election()).await.unwrap();
    assert_eq!(d.due(&filed), ClaimDecisionDue::Immediately);
}
