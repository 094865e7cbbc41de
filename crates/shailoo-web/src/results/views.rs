//! What the results' staff pages share: a contest, a ballot line, a stage and a control check
//! in words, the protocol's lines in the order of the paper form, and the chains `authz` is
//! asked about.

use crate::kit::format::name;
use crate::kit::{Lang, OrRefused, PageFail};
use shailoo_app::Store;
use shailoo_app::authz::{self, Power, Target};
use shailoo_app::results::{self, CouncilContext, ProtocolKey};
use shailoo_domain::candidate::ballot::{Ballot, BallotLabel};
use shailoo_domain::params::Coded;
use shailoo_domain::protocol::{BallotOption, CheckResult, Contest, Line, Protocol};
use shailoo_domain::results::{Field, Stage};
use shailoo_domain::{CommissionId, CouncilId, ElectionId, StationNumber};

/// The lines an operator types, in the order of the paper protocol (the votes per option and
/// "against all" follow them).
pub(super) const TYPED_LINES: [Line; 11] = [
    Line::VotersOnList,
    Line::VotersOnAdditionalLists,
    Line::BallotsReceived,
    Line::BallotsIssuedAtStation,
    Line::BallotsIssuedOutside,
    Line::VotersTookPart,
    Line::BallotsCancelled,
    Line::BallotsInMobileBoxes,
    Line::BallotsInStationaryBoxes,
    Line::ValidBallots,
    Line::InvalidBallots,
];

/// The form field of a line: `line.<n>` by its place in [`Line::ALL`].
pub(super) fn line_field(line: Line) -> String {
    let i = Line::ALL.iter().position(|l| *l == line).unwrap_or(0);
    format!("line.{i}")
}

/// The form field of an option's votes.
pub(super) fn option_field(option: &BallotOption) -> String {
    match option {
        BallotOption::Party(p) => format!("party.{p}"),
        BallotOption::Candidate(c) => format!("candidate.{c}"),
    }
}

/// A contest in words: "party lists" or "district № 3".
pub(super) fn contest_label(lang: Lang, contest: &Contest) -> String {
    match contest {
        Contest::PartyList => lang.t("protocols-contest-party-list"),
        Contest::District { district } => lang.t_args(
            "protocols-contest-district",
            &[("district", district.to_string())],
        ),
    }
}

/// A ballot line's label: the party's name, or the candidate's with their nominator.
pub(super) fn option_label(lang: Lang, ballot: Option<&Ballot>, option: &BallotOption) -> String {
    let line = ballot.and_then(|b| b.lines.iter().find(|l| &l.option == option));
    match line.map(|l| (&l.label, l.number)) {
        Some((BallotLabel::Party { name: n }, number)) => format!("{number}. {}", name(n, lang)),
        Some((
            BallotLabel::Candidate {
                name: n,
                birth_year,
                nominated_by,
            },
            number,
        )) => {
            let by = nominated_by
                .as_ref()
                .map_or_else(|| lang.t("talapker-self-nominated"), |p| name(p, lang));
            format!("{number}. {n}, {birth_year} ({by})")
        }
        None => match option {
            BallotOption::Party(p) => p.to_string(),
            BallotOption::Candidate(c) => c.to_string(),
        },
    }
}

/// A field of the form in words (a line, or an option's votes).
pub(super) fn field_label(lang: Lang, ballot: Option<&Ballot>, field: &Field) -> String {
    match field {
        Field::Line { line } => lang.t(line.message_key()),
        Field::Option { option } => option_label(lang, ballot, option),
    }
}

/// Where a protocol stands, in words.
pub(super) fn stage_label(lang: Lang, stage: &Stage) -> String {
    lang.t(&format!(
        "protocols-stage-{}",
        stage.as_str().replace('_', "-")
    ))
}

/// Each finding of the control checks in words with its rule, errors first; `true` for an
/// error.
pub(super) fn findings(lang: Lang, checks: &CheckResult) -> Vec<(bool, String)> {
    let errors = checks.errors.iter().map(|c| (true, c));
    let warnings = checks.warnings.iter().map(|c| (false, c));
    errors
        .chain(warnings)
        .map(|(error, c)| (error, format!("{} — {}", c.rule(), lang.t(c.message_key()))))
        .collect()
}

/// One figure of a protocol shown to the TEC: the label and the value.
pub(super) struct Figure {
    pub label: String,
    pub value: u64,
}

/// Every figure of a protocol, in the order of the form.
pub(super) fn figures(lang: Lang, ballot: Option<&Ballot>, p: &Protocol) -> Vec<Figure> {
    let mut out: Vec<Figure> = TYPED_LINES
        .iter()
        .map(|l| Figure {
            label: lang.t(l.message_key()),
            value: p.line(*l),
        })
        .collect();
    out.extend(p.votes.iter().map(|v| Figure {
        label: option_label(lang, ballot, &v.option),
        value: u64::from(v.votes),
    }));
    if let Some(a) = p.against_all {
        out.push(Figure {
            label: lang.t(Line::AgainstAll.message_key()),
            value: u64::from(a),
        });
    }
    out
}

/// The ballot of a contest in the council's context.
pub(super) fn ballot_of<'a>(ctx: &'a CouncilContext, contest: &Contest) -> Option<&'a Ballot> {
    ctx.facts.ballots.iter().find(|b| &b.contest == contest)
}

/// The commission chain of a station (its PEC first); 404 for an unknown station.
pub(super) async fn station_chain(
    store: &dyn Store,
    lang: Lang,
    station: StationNumber,
) -> Result<Vec<CommissionId>, PageFail> {
    let found = store
        .station(station)
        .await
        .or_page(lang)?
        .ok_or_else(|| PageFail::not_found(lang))?;
    store
        .commission_chain(&found.commission)
        .await
        .or_page(lang)
}

/// Refuses (403) a member who holds `power` over none of `chain`: asked before a council's
/// context is read, so that a stranger learns nothing of it.
pub(super) fn require(
    lang: Lang,
    actor: &shailoo_app::Actor,
    power: Power,
    chain: &[CommissionId],
) -> Result<(), PageFail> {
    if authz::allowed(actor, power, Target::Within(chain)) {
        Ok(())
    } else {
        Err(PageFail::forbidden(lang))
    }
}

/// A protocol's key from the route's parts.
pub(super) fn key(
    election: &ElectionId,
    council: &CouncilId,
    station: StationNumber,
    contest: Contest,
) -> ProtocolKey {
    ProtocolKey {
        election: election.clone(),
        council: council.clone(),
        station,
        contest,
    }
}

/// The contest named by `?contest=` / a hidden field (`party_list`, `district/<id>`); a city
/// council's one contest when none is named.
pub(super) fn contest_of(text: Option<&str>) -> Option<Contest> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Some(Contest::PartyList),
        Some(t) => results::parse_contest_key(t),
    }
}
