//! The candidacy files: `parties.csv` (the registered parties), `nominations.csv` (city party
//! lists and aiyl district nominations, each with the stage it has reached) and `candidates.csv`
//! (the persons of each nomination, by PIN, in list order), read together into checked
//! [`Candidacies`] and written from them.
//!
//! A candidate's name, birth date, sex and residence are not in the files: they come from the
//! civil registry's answer for the PIN (CAN-08), never from what a file or a filer says.
//!
//! The files describe where each nomination stands on one day, as the nominators and the TECs
//! brought it there (CAN-07, CAN-09): a loader reaches that stage through the workflow's own
//! steps (file, check, register or refuse), so that every status has its history and checks.

use crate::error::{FormatError, RowError, RowErrorKind, WriteError};
use crate::files;
use crate::manifest::FileSummary;
use crate::table::{Fields, TableWriter, format_date, read_rows};
use jiff::civil::Date;
use shailoo_domain::candidate::nomination::{Ground, NominationKind};
use shailoo_domain::candidate::{CandidateId, Nominator, Party, PartyId, PartyRegistrationNumber};
use shailoo_domain::params::Coded;
use shailoo_domain::{CouncilId, DistrictId, IdError, NominationReference, Pin};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

pub const PARTIES_COLUMNS: [&str; 5] =
    ["id", "name_ky", "name_ru", "name_en", "registration_number"];
pub const NOMINATIONS_COLUMNS: [&str; 9] = [
    "id",
    "council",
    "kind",
    "district",
    "nominator",
    "status",
    "ground",
    "filed_on",
    "decided_on",
];
pub const CANDIDATES_COLUMNS: [&str; 5] = ["nomination", "position", "pin", "occupation", "ground"];

/// The `nominator` of a self-nominee; so no party may have this id.
pub const SELF_NOMINATED: &str = "self";

/// The id of a nomination within a dataset, which `candidates.csv` refers to: a slug with a
/// letter, of at most 56 characters (`bishkek-city.zhany-kuch`, `chui-alamudun.ak-suu.n7`).
/// A load keeps it as the stored nomination's [`NominationReference`], so that its candidates
/// are `{id}-{position}` in the database as in `protocols.jsonl`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NominationKey(String);

impl NominationKey {
    pub fn parse(s: &str) -> Result<NominationKey, IdError> {
        NominationReference::parse(s).map(|_| NominationKey(s.to_owned()))
    }

    /// The stable external id the loaded nomination keeps.
    pub fn reference(&self) -> NominationReference {
        NominationReference::parse(&self.0)
            .unwrap_or_else(|_| unreachable!("parsed as a reference"))
    }

    /// The id of the candidate at `position` (1-based) of the loaded nomination, as the
    /// database gives it: the load adds them in list order.
    pub fn candidate(&self, position: u32) -> CandidateId {
        self.reference().candidate(position)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NominationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for NominationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NominationKey({})", self.0)
    }
}

/// Where a nomination stands on the day the files describe, with the dates (Asia/Bishkek) of
/// its steps: the stage a loader brings it to through the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NominationStage {
    /// Prepared by the nominator, not filed. With a ground, its filing is refused at the door
    /// on it, so it stays a draft: adding an under-age candidate (CAN-01), submitting a person
    /// who already stands elsewhere (CAN-05) or a list composed against CAN-06.
    Draft { refused_at_filing: Option<Ground> },
    /// Filed on `filed_on`; checked, awaiting the TEC's decision.
    Submitted { filed_on: Date },
    /// Registered by the TEC on `decided_on`. Candidates of a list whose row names a ground
    /// are left out of it with that ground.
    Registered { filed_on: Date, decided_on: Date },
    /// Refused by the TEC on `decided_on` with the legal ground (CAN-09).
    Refused {
        filed_on: Date,
        decided_on: Date,
        ground: Ground,
    },
}

impl NominationStage {
    /// The `status` column.
    pub fn code(&self) -> &'static str {
        match self {
            NominationStage::Draft { .. } => "draft",
            NominationStage::Submitted { .. } => "submitted",
            NominationStage::Registered { .. } => "registered",
            NominationStage::Refused { .. } => "refused",
        }
    }

    /// The `ground` column: the refusal's ground, or the one a draft's filing is refused on.
    pub fn ground(&self) -> Option<Ground> {
        match self {
            NominationStage::Draft { refused_at_filing } => *refused_at_filing,
            NominationStage::Refused { ground, .. } => Some(*ground),
            NominationStage::Submitted { .. } | NominationStage::Registered { .. } => None,
        }
    }

    pub fn filed_on(&self) -> Option<Date> {
        match self {
            NominationStage::Draft { .. } => None,
            NominationStage::Submitted { filed_on }
            | NominationStage::Registered { filed_on, .. }
            | NominationStage::Refused { filed_on, .. } => Some(*filed_on),
        }
    }

    pub fn decided_on(&self) -> Option<Date> {
        match self {
            NominationStage::Registered { decided_on, .. }
            | NominationStage::Refused { decided_on, .. } => Some(*decided_on),
            NominationStage::Draft { .. } | NominationStage::Submitted { .. } => None,
        }
    }
}

/// One row of `nominations.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NominationRow {
    pub id: NominationKey,
    pub council: CouncilId,
    pub kind: NominationKind,
    pub stage: NominationStage,
}

/// One row of `candidates.csv`: a person of a nomination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateRow {
    pub nomination: NominationKey,
    /// 1, 2, … in list order as filed (a district nomination has position 1 only).
    pub position: u32,
    pub pin: Pin,
    /// The occupation as the filer states it (иш орду, кызматы / место работы, должность).
    pub occupation: String,
    /// What the rules find about this candidate in this nomination, if anything: the check
    /// that fails (a registered list leaves the candidate out with it; a district nomination's
    /// refusal names it) or the door's refusal (CAN-01 under age, CAN-05).
    pub ground: Option<Ground>,
}

/// The three candidacy files, read and checked together.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Candidacies {
    pub parties: Vec<Party>,
    pub nominations: Vec<NominationRow>,
    /// Grouped by nomination, in list order.
    pub candidates: Vec<CandidateRow>,
}

impl Candidacies {
    /// The candidates of each nomination, in the order of `nominations` (a nomination without
    /// candidates has an empty slice).
    pub fn by_nomination(&self) -> Vec<(&NominationRow, &[CandidateRow])> {
        let mut start: HashMap<&NominationKey, (usize, usize)> = HashMap::new();
        let mut i = 0;
        while i < self.candidates.len() {
            let key = &self.candidates[i].nomination;
            let end = self.candidates[i..]
                .iter()
                .position(|c| &c.nomination != key)
                .map_or(self.candidates.len(), |n| i + n);
            start.insert(key, (i, end));
            i = end;
        }
        self.nominations
            .iter()
            .map(|n| {
                let (a, b) = start.get(&n.id).copied().unwrap_or((0, 0));
                (n, &self.candidates[a..b])
            })
            .collect()
    }
}

// --- reading ---

/// Reads `parties.csv`, `nominations.csv` and `candidates.csv`, or `None` when the directory
/// has none of them (datasets written before issue 14). Besides each row, it checks what the
/// three files say together: unique party ids (never `self`) and registration numbers; unique
/// nomination ids; a known nominating party, one list per party and council; every candidate
/// row naming a nomination, each nomination's rows consecutive with positions 1, 2, …; every
/// nomination with a candidate, a district nomination with exactly one. Councils and districts
/// are the setup's and the schemes' to know: an import checks them against those.
pub fn read_candidacies(dir: &Path) -> Result<Option<Candidacies>, FormatError> {
    let names = [files::PARTIES, files::NOMINATIONS, files::CANDIDATES];
    if names.iter().all(|n| !dir.join(n).exists()) {
        return Ok(None);
    }
    let parties = read_rows(dir, files::PARTIES, &PARTIES_COLUMNS, parse_party)?;
    let nominations = read_rows(
        dir,
        files::NOMINATIONS,
        &NOMINATIONS_COLUMNS,
        parse_nomination,
    )?;
    let candidates = read_rows(dir, files::CANDIDATES, &CANDIDATES_COLUMNS, parse_candidate)?;
    check_parties(&parties)?;
    check_nominations(&nominations, &parties)?;
    check_candidates(&candidates, &nominations)?;
    Ok(Some(Candidacies {
        parties: values(parties),
        nominations: values(nominations),
        candidates: values(candidates),
    }))
}

fn values<T>(rows: Vec<(u64, T)>) -> Vec<T> {
    rows.into_iter().map(|(_, v)| v).collect()
}

fn ground(f: &Fields<'_>, i: usize) -> Result<Option<Ground>, RowError> {
    match f.optional(i)? {
        None => Ok(None),
        Some(_) => f
            .enumerated(
                i,
                Ground::from_code,
                "a ground code of a rule, e.g. CAN-01_under_age (docs/data-formats.md)",
            )
            .map(Some),
    }
}

fn parse_party(f: &Fields<'_>) -> Result<Party, RowError> {
    let id = f.id(0, PartyId::parse)?;
    if id.as_str() == SELF_NOMINATED {
        return Err(f.err(
            0,
            RowErrorKind::Inapplicable {
                why: "\"self\" is the nominator of self-nominees, not a party id",
            },
        ));
    }
    let number = f.required(4)?;
    Ok(Party {
        id,
        name: f.name(1)?,
        registration_number: PartyRegistrationNumber::parse(number)
            .map_err(|e| f.err(4, RowErrorKind::BadRegistrationNumber(e)))?,
    })
}

/// The `kind` column.
#[derive(Clone, Copy, PartialEq, Eq)]
enum KindCode {
    CityList,
    District,
}

impl KindCode {
    fn parse(s: &str) -> Option<KindCode> {
        match s {
            "city_list" => Some(KindCode::CityList),
            "district" => Some(KindCode::District),
            _ => None,
        }
    }
}

fn kind_code(kind: &NominationKind) -> &'static str {
    match kind {
        NominationKind::CityList { .. } => "city_list",
        NominationKind::District { .. } => "district",
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum StatusCode {
    Draft,
    Submitted,
    Registered,
    Refused,
}

impl StatusCode {
    fn parse(s: &str) -> Option<StatusCode> {
        match s {
            "draft" => Some(StatusCode::Draft),
            "submitted" => Some(StatusCode::Submitted),
            "registered" => Some(StatusCode::Registered),
            "refused" => Some(StatusCode::Refused),
            _ => None,
        }
    }
}

const KIND: usize = 2;
const DISTRICT: usize = 3;
const NOMINATOR: usize = 4;
const STATUS: usize = 5;
const GROUND: usize = 6;
const FILED_ON: usize = 7;
const DECIDED_ON: usize = 8;

fn parse_nomination(f: &Fields<'_>) -> Result<NominationRow, RowError> {
    let id = f.id(0, NominationKey::parse)?;
    let council = f.id(1, CouncilId::parse)?;
    let kind = f.enumerated(KIND, KindCode::parse, "city_list, district")?;
    let district = f.optional_id(DISTRICT, DistrictId::parse)?;
    let nominator = match f.required(NOMINATOR)? {
        SELF_NOMINATED => Nominator::SelfNominated,
        party => Nominator::Party(
            PartyId::parse(party).map_err(|e| f.err(NOMINATOR, RowErrorKind::BadId(e)))?,
        ),
    };
    let kind = match (kind, district, nominator) {
        (KindCode::CityList, Some(_), _) => {
            return Err(f.err(
                DISTRICT,
                RowErrorKind::Inapplicable {
                    why: "a city list stands in the whole city, not in a district (TER-04)",
                },
            ));
        }
        (KindCode::CityList, None, Nominator::SelfNominated) => {
            return Err(f.err(
                NOMINATOR,
                RowErrorKind::Inapplicable {
                    why: "city councils take party lists only (CAN-03)",
                },
            ));
        }
        (KindCode::CityList, None, Nominator::Party(party)) => NominationKind::CityList { party },
        (KindCode::District, None, _) => return Err(f.err(DISTRICT, RowErrorKind::Empty)),
        (KindCode::District, Some(district), nominator) => NominationKind::District {
            district,
            nominator,
        },
    };
    Ok(NominationRow {
        id,
        council,
        kind,
        stage: parse_stage(f)?,
    })
}

/// The `status`, `ground`, `filed_on` and `decided_on` columns: which may be empty and which
/// must be follows from the status.
fn parse_stage(f: &Fields<'_>) -> Result<NominationStage, RowError> {
    let status = f.enumerated(
        STATUS,
        StatusCode::parse,
        "draft, submitted, registered, refused",
    )?;
    let ground = ground(f, GROUND)?;
    let filed_on = f.optional_date(FILED_ON)?;
    let decided_on = f.optional_date(DECIDED_ON)?;
    match status {
        StatusCode::Draft => {
            inapplicable(f, FILED_ON, filed_on.is_some(), "a draft is not filed")?;
            inapplicable(
                f,
                DECIDED_ON,
                decided_on.is_some(),
                "a draft is not decided",
            )?;
            Ok(NominationStage::Draft {
                refused_at_filing: ground,
            })
        }
        StatusCode::Submitted => {
            let pending = "a pending nomination has no ground";
            inapplicable(f, GROUND, ground.is_some(), pending)?;
            let undecided = "a pending nomination is not decided";
            inapplicable(f, DECIDED_ON, decided_on.is_some(), undecided)?;
            Ok(NominationStage::Submitted {
                filed_on: required(f, FILED_ON, filed_on)?,
            })
        }
        StatusCode::Registered | StatusCode::Refused => {
            let filed_on = required(f, FILED_ON, filed_on)?;
            let decided_on = required(f, DECIDED_ON, decided_on)?;
            let refused = status == StatusCode::Refused;
            decided_stage(f, refused, ground, filed_on, decided_on)
        }
    }
}

/// A nomination the TEC decided: refused on its ground, or registered (without one).
fn decided_stage(
    f: &Fields<'_>,
    refused: bool,
    ground: Option<Ground>,
    filed_on: Date,
    decided_on: Date,
) -> Result<NominationStage, RowError> {
    if decided_on < filed_on {
        return Err(f.err(
            DECIDED_ON,
            RowErrorKind::Inconsistent {
                why: "the decision comes before the filing",
            },
        ));
    }
    if refused {
        return Ok(NominationStage::Refused {
            filed_on,
            decided_on,
            ground: ground.ok_or_else(|| f.err(GROUND, RowErrorKind::Empty))?,
        });
    }
    inapplicable(
        f,
        GROUND,
        ground.is_some(),
        "a registration has no ground; a list's excluded candidates carry theirs",
    )?;
    Ok(NominationStage::Registered {
        filed_on,
        decided_on,
    })
}

/// Refuses a value in a column the row's status leaves empty, saying `why`.
fn inapplicable(
    f: &Fields<'_>,
    column: usize,
    present: bool,
    why: &'static str,
) -> Result<(), RowError> {
    if present {
        Err(f.err(column, RowErrorKind::Inapplicable { why }))
    } else {
        Ok(())
    }
}

/// The date of a column the row's status needs.
fn required(f: &Fields<'_>, column: usize, value: Option<Date>) -> Result<Date, RowError> {
    value.ok_or_else(|| f.err(column, RowErrorKind::Empty))
}

fn parse_candidate(f: &Fields<'_>) -> Result<CandidateRow, RowError> {
    let nomination = f.id(0, NominationKey::parse)?;
    let position = f.number(1)?;
    if position == 0 {
        return Err(f.err(
            1,
            RowErrorKind::Inconsistent {
                why: "list positions start at 1",
            },
        ));
    }
    let pin = Pin::parse(f.required(2)?).map_err(|e| f.err(2, RowErrorKind::MalformedPin(e)))?;
    Ok(CandidateRow {
        nomination,
        position,
        pin,
        occupation: f.required(3)?.to_owned(),
        ground: ground(f, 4)?,
    })
}

/// A row error found when reading the files together.
fn row_error(file: &str, line: u64, column: &'static str, reason: RowErrorKind) -> FormatError {
    FormatError::Row(RowError {
        file: file.to_owned(),
        line,
        column: Some(column),
        reason,
    })
}

fn check_parties(parties: &[(u64, Party)]) -> Result<(), FormatError> {
    let mut ids = HashSet::new();
    let mut numbers = HashSet::new();
    for (line, p) in parties {
        if !ids.insert(&p.id) {
            return Err(row_error(
                files::PARTIES,
                *line,
                PARTIES_COLUMNS[0],
                RowErrorKind::Duplicate {
                    value: p.id.to_string(),
                },
            ));
        }
        if !numbers.insert(&p.registration_number) {
            return Err(row_error(
                files::PARTIES,
                *line,
                PARTIES_COLUMNS[4],
                RowErrorKind::Duplicate {
                    value: p.registration_number.to_string(),
                },
            ));
        }
    }
    Ok(())
}

fn check_nominations(
    nominations: &[(u64, NominationRow)],
    parties: &[(u64, Party)],
) -> Result<(), FormatError> {
    let known: HashSet<&PartyId> = parties.iter().map(|(_, p)| &p.id).collect();
    let mut ids = HashSet::new();
    let mut lists = HashSet::new();
    for (line, n) in nominations {
        let at = |column: usize, reason| {
            row_error(
                files::NOMINATIONS,
                *line,
                NOMINATIONS_COLUMNS[column],
                reason,
            )
        };
        if !ids.insert(&n.id) {
            return Err(at(
                0,
                RowErrorKind::Duplicate {
                    value: n.id.to_string(),
                },
            ));
        }
        if let Some(party) = n.kind.party()
            && !known.contains(party)
        {
            return Err(at(
                NOMINATOR,
                RowErrorKind::UnknownReference {
                    what: "a party of parties.csv",
                    value: party.to_string(),
                },
            ));
        }
        if let NominationKind::CityList { party } = &n.kind
            && !lists.insert((&n.council, party))
        {
            return Err(at(
                NOMINATOR,
                RowErrorKind::Inconsistent {
                    why: "this party already has a list for this council",
                },
            ));
        }
    }
    Ok(())
}

fn check_candidates(
    candidates: &[(u64, CandidateRow)],
    nominations: &[(u64, NominationRow)],
) -> Result<(), FormatError> {
    let kinds: HashMap<&NominationKey, &NominationKind> =
        nominations.iter().map(|(_, n)| (&n.id, &n.kind)).collect();
    let mut done: HashSet<&NominationKey> = HashSet::new();
    let mut previous: Option<&CandidateRow> = None;
    for (line, c) in candidates {
        let at = |column: usize, reason| {
            row_error(files::CANDIDATES, *line, CANDIDATES_COLUMNS[column], reason)
        };
        let Some(kind) = kinds.get(&c.nomination) else {
            return Err(at(
                0,
                RowErrorKind::UnknownReference {
                    what: "a nomination of nominations.csv",
                    value: c.nomination.to_string(),
                },
            ));
        };
        let continues = previous.is_some_and(|p| p.nomination == c.nomination);
        if !continues && !done.insert(&c.nomination) {
            return Err(at(
                0,
                RowErrorKind::Inconsistent {
                    why: "a nomination's candidates are on consecutive rows",
                },
            ));
        }
        let expected = previous.filter(|_| continues).map_or(1, |p| p.position + 1);
        if c.position != expected {
            return Err(at(
                1,
                RowErrorKind::Inconsistent {
                    why: "a nomination's positions run 1, 2, 3… in row order",
                },
            ));
        }
        if c.position > 1 && !kind.is_list() {
            return Err(at(
                1,
                RowErrorKind::Inconsistent {
                    why: "a district nomination has exactly one candidate",
                },
            ));
        }
        previous = Some(c);
    }
    if let Some((line, _)) = nominations.iter().find(|(_, n)| !done.contains(&n.id)) {
        return Err(row_error(
            files::NOMINATIONS,
            *line,
            NOMINATIONS_COLUMNS[0],
            RowErrorKind::Inconsistent {
                why: "the nomination has no row in candidates.csv",
            },
        ));
    }
    Ok(())
}

// --- writing ---

/// Writes `parties.csv`, `nominations.csv` and `candidates.csv` into `dir`; returns what each
/// holds, in that order.
pub fn write_candidacies(
    dir: &Path,
    candidacies: &Candidacies,
) -> Result<Vec<FileSummary>, WriteError> {
    let mut parties = TableWriter::create(&dir.join(files::PARTIES), &PARTIES_COLUMNS)?;
    for p in &candidacies.parties {
        parties.write([
            p.id.as_str(),
            &p.name.ky,
            &p.name.ru,
            &p.name.en,
            p.registration_number.as_str(),
        ])?;
    }
    let mut nominations = TableWriter::create(&dir.join(files::NOMINATIONS), &NOMINATIONS_COLUMNS)?;
    let (mut filed, mut decided) = ([0u8; 10], [0u8; 10]);
    for n in &candidacies.nominations {
        let (district, nominator) = match &n.kind {
            NominationKind::CityList { party } => ("", party.as_str()),
            NominationKind::District {
                district,
                nominator,
            } => (
                district.as_str(),
                match nominator {
                    Nominator::Party(party) => party.as_str(),
                    Nominator::SelfNominated => SELF_NOMINATED,
                },
            ),
        };
        let fields: [&[u8]; 9] = [
            n.id.as_str().as_bytes(),
            n.council.as_str().as_bytes(),
            kind_code(&n.kind).as_bytes(),
            district.as_bytes(),
            nominator.as_bytes(),
            n.stage.code().as_bytes(),
            n.stage.ground().map_or("", |g| g.code()).as_bytes(),
            n.stage
                .filed_on()
                .map_or(&[][..], |d| format_date(d, &mut filed)),
            n.stage
                .decided_on()
                .map_or(&[][..], |d| format_date(d, &mut decided)),
        ];
        nominations.write(fields)?;
    }
    let mut candidates = TableWriter::create(&dir.join(files::CANDIDATES), &CANDIDATES_COLUMNS)?;
    for c in &candidacies.candidates {
        candidates.write([
            c.nomination.as_str(),
            &c.position.to_string(),
            c.pin.as_str(),
            &c.occupation,
            c.ground.map_or("", |g| g.code()),
        ])?;
    }
    Ok(vec![
        parties.finish()?,
        nominations.finish()?,
        candidates.finish()?,
    ])
}
