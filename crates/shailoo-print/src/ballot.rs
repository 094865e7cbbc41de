//! The proof of a ballot (бюллетендин үлгүсү / образец бюллетеня), A4, in Kyrgyz or Russian
//! (English for observers): the lines of one contest in ballot order, each with its box, as
//! the application fixed them once registration closed (RES-02). The caller gives the words;
//! this crate lays them out.

use crate::{FONT_BOLD, FONT_REGULAR, Lang, PrintError};
use serde::Serialize;
use shailoo_domain::text::{self, Lines};
use std::sync::LazyLock;
use typst::foundations::{Dict, IntoValue};
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};
use typst_layout::PagedDocument;

static TEMPLATE: &str = include_str!("templates/ballot.typ");

static ENGINE: LazyLock<TypstEngine<TypstTemplateMainFile>> = LazyLock::new(|| {
    TypstEngine::builder()
        .main_file(TEMPLATE)
        .fonts([FONT_REGULAR, FONT_BOLD])
        .build()
});

/// One line of the ballot: its number, what it says, and a second line (a candidate's year of
/// birth and nominator; empty for a party).
#[derive(Debug, Clone, Serialize)]
pub struct BallotLine {
    pub number: u32,
    pub label: String,
    pub detail: String,
}

/// One contest's ballot, in the words of the language asked for.
#[derive(Debug, Clone, Serialize)]
pub struct BallotProof {
    pub lang: Lang,
    /// "Ballot" in that language.
    pub title: String,
    /// The mark that this is a proof, not a ballot.
    pub proof: String,
    /// How to vote: one mark in one box.
    pub instruction: String,
    pub election: String,
    pub council: String,
    /// The party lists, or the district.
    pub contest: String,
    /// In ballot order; "against all" is the last line of a city ballot, already numbered.
    pub lines: Vec<BallotLine>,
}

/// Renders the proof to PDF bytes; CPU-bound, as the voter list is (servers call it on a
/// blocking thread).
pub fn render_ballot(proof: &BallotProof) -> Result<Vec<u8>, PrintError> {
    // Text from older data may hold control or direction characters: never on the sheet.
    let clean = |s: &str| text::replace_forbidden(s, Lines::One).into_owned();
    let mut data = proof.clone();
    for s in [
        &mut data.title,
        &mut data.proof,
        &mut data.instruction,
        &mut data.election,
        &mut data.council,
        &mut data.contest,
    ] {
        *s = clean(s);
    }
    for l in &mut data.lines {
        l.label = clean(&l.label);
        l.detail = clean(&l.detail);
    }
    let json = serde_json::to_string(&serde_json::json!({
        "lang": data.lang.code(),
        "title": data.title,
        "proof": data.proof,
        "instruction": data.instruction,
        "election": data.election,
        "council": data.council,
        "contest": data.contest,
        "lines": data.lines,
    }))
    .map_err(|e| PrintError::Layout(format!("input: {e}")))?;
    let mut inputs = Dict::new();
    inputs.insert("data".into(), json.into_value());
    let document: PagedDocument = ENGINE
        .compile_with_input(inputs)
        .output
        .map_err(|e| PrintError::Layout(e.to_string()))?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|errors| {
        PrintError::Pdf(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}
