//! Printable documents rendered to PDF with Typst: the voter list of one polling station
//! (участканын шайлоочуларынын тизмеси / список избирателей участка), A4, in Kyrgyz, Russian or
//! English.
//!
//! Two variants: [`Variant::Posting`], posted at the station so that voters can check their
//! entry (CAL-04), and [`Variant::Signatures`], the PEC's list for issuing ballots on voting
//! day, with a column for the voter's signature and one for the PEC member's.
//!
//! * Who orders: this crate. The store hands the voters over in any order; [`render`] sorts
//!   them by settlement, street, house (digits by value: 2 before 10), then surname, given name
//!   and patronymic with Kyrgyz collation (ICU4X, `ky`: Н < Ң, О < Ө, У < Ү, which byte order
//!   gets wrong), and numbers them 1…n in that order. Both variants of a station therefore
//!   number a voter alike.
//! * Data never become markup: the template is fixed and the list travels to Typst as one JSON
//!   document in `sys.inputs`, read with `json(...)` and placed as text. A name with `#`, `]` or
//!   `$` prints as typed (see the tests).
//! * Fonts: DejaVu Sans (regular and bold), vendored in `fonts/` with their licence and passed
//!   to Typst as bytes; nothing is searched on the system and nothing is fetched (typst-as-lib's
//!   `packages` features stay off).
//!
//! This crate takes plain data ([`StationList`]); [`StationList::from_roll`] builds one from the
//! application's [`StationRoll`]. It does no I/O: the caller writes the bytes.

use icu_collator::options::CollatorOptions;
use icu_collator::preferences::CollationNumericOrdering;
use icu_collator::{CollatorBorrowed, CollatorPreferences};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use shailoo_app::voters::StationRoll;
use shailoo_domain::text::{self, Lines};
use shailoo_domain::time::to_bishkek;
use shailoo_domain::{ErrorCode, Pin, StationNumber};
use std::cmp::Ordering;
use std::sync::LazyLock;
use typst::foundations::{Dict, IntoValue};
use typst_as_lib::TypstEngine;
use typst_as_lib::TypstTemplateMainFile;
use typst_layout::PagedDocument;

mod ballot;
mod labels;

pub use ballot::{BallotLine, BallotProof, render_ballot};
pub use labels::Labels;

static TEMPLATE: &str = include_str!("templates/station_list.typ");
static FONT_REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static FONT_BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// The Typst engine with the template and the fonts, built once per process.
static ENGINE: LazyLock<TypstEngine<TypstTemplateMainFile>> = LazyLock::new(|| {
    TypstEngine::builder()
        .main_file(TEMPLATE)
        .fonts([FONT_REGULAR, FONT_BOLD])
        .build()
});

/// Why a list could not be rendered. Nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// The template failed to compile or lay out (a bug of this crate, not of the data).
    #[error("the voter list could not be laid out: {0}")]
    Layout(String),
    /// The PDF writer refused the laid-out document.
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
    #[error("unknown list variant {0:?} (posting or signatures)")]
    UnknownVariant(String),
    #[error("unknown language {0:?} (ky, ru or en)")]
    UnknownLang(String),
}

impl PrintError {
    /// A stable code for clients and translations.
    pub fn code(&self) -> ErrorCode {
        match self {
            PrintError::Layout(_) | PrintError::Pdf(_) => ErrorCode::PrintFailed,
            PrintError::UnknownVariant(_) => ErrorCode::BadListVariant,
            PrintError::UnknownLang(_) => ErrorCode::BadLang,
        }
    }
}

/// Which list to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// For posting at the station (CAL-04): №, name, year of birth, address.
    #[default]
    Posting,
    /// The PEC's list for issuing ballots: adds the voter's signature and the PEC member's.
    Signatures,
}

impl Variant {
    pub fn parse(s: &str) -> Result<Variant, PrintError> {
        match s {
            "posting" => Ok(Variant::Posting),
            "signatures" => Ok(Variant::Signatures),
            other => Err(PrintError::UnknownVariant(other.to_owned())),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Posting => "posting",
            Variant::Signatures => "signatures",
        }
    }
}

/// The language of the labels (Kyrgyz, the state language, by default; Russian, the official
/// language; English for observers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lang {
    #[default]
    Ky,
    Ru,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Result<Lang, PrintError> {
        match s {
            "ky" => Ok(Lang::Ky),
            "ru" => Ok(Lang::Ru),
            "en" => Ok(Lang::En),
            other => Err(PrintError::UnknownLang(other.to_owned())),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Ky => "ky",
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }
}

/// One voter as printed. The address is split so that the list can be ordered by it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voter {
    /// Not printed: finds the voter's row ([`numbered`]).
    pub pin: Pin,
    pub surname: String,
    pub given_name: String,
    pub patronymic: Option<String>,
    pub birth_date: Date,
    /// The settlement's name in the list's language.
    pub settlement: String,
    /// The street's name in the list's language.
    pub street: String,
    pub house: String,
    /// The order key: the settlement's Kyrgyz name and the street as the register writes it.
    /// A list in any language is ordered and numbered by these, so that a voter has the same
    /// number on the Kyrgyz and the Russian list.
    pub order_settlement: String,
    pub order_street: String,
}

impl Voter {
    /// Фамилиясы, аты, атасынын аты / фамилия, имя, отчество.
    pub fn full_name(&self) -> String {
        match &self.patronymic {
            Some(p) if !p.trim().is_empty() => {
                format!("{} {} {}", self.surname, self.given_name, p)
            }
            _ => format!("{} {}", self.surname, self.given_name),
        }
    }
}

/// A station's list, ready to print: every text already in the chosen language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StationList {
    pub lang: Lang,
    pub variant: Variant,
    pub election: String,
    pub voting_day: Date,
    pub council: String,
    pub station: StationNumber,
    pub address: String,
    /// The precinct election commission (участкалык шайлоо комиссиясы / участковая
    /// избирательная комиссия) that runs the station.
    pub pec: String,
    /// Shown in Bishkek time in the footer: which state of the list a sheet shows.
    pub printed_at: Timestamp,
    /// In any order: [`render`] orders and numbers them.
    pub voters: Vec<Voter>,
}

impl StationList {
    /// The list of a station as the application read it, in `lang`.
    pub fn from_roll(
        roll: &StationRoll,
        lang: Lang,
        variant: Variant,
        printed_at: Timestamp,
    ) -> StationList {
        let code = lang.code();
        StationList {
            lang,
            variant,
            election: roll.election.name.get(code).to_owned(),
            voting_day: roll.election.voting_day,
            council: roll.council.as_ref().map_or_else(
                || roll.station.council.to_string(),
                |c| c.name.get(code).to_owned(),
            ),
            station: roll.station.number,
            address: roll.address.get(code).to_owned(),
            pec: roll.commission.as_ref().map_or_else(
                || roll.station.commission.to_string(),
                |c| c.name.get(code).to_owned(),
            ),
            printed_at,
            voters: roll
                .voters
                .iter()
                .map(|v| {
                    let p = &v.person;
                    let settlement = roll.settlements.get(&p.settlement);
                    let name_in = |lang: &str| {
                        settlement
                            .map_or_else(|| p.settlement.to_string(), |n| n.get(lang).to_owned())
                    };
                    Voter {
                        pin: p.pin,
                        surname: p.surname.clone(),
                        given_name: p.given_name.clone(),
                        patronymic: p.patronymic.clone(),
                        birth_date: p.birth_date,
                        settlement: name_in(code),
                        // One language per document: the street as the directory names it in
                        // the list's language (the register's form where it has none).
                        street: v
                            .street
                            .as_ref()
                            .map_or_else(|| p.street.clone(), |n| n.get(code).to_owned()),
                        house: p.house.clone(),
                        order_settlement: name_in("ky"),
                        order_street: p.street.clone(),
                    }
                })
                .collect(),
        }
    }

    /// `station-1001-posting.pdf`.
    pub fn file_name(&self) -> String {
        format!("station-{}-{}.pdf", self.station, self.variant.as_str())
    }
}

/// Kyrgyz collation with digits compared by value (house 2 before house 10).
static COLLATOR: LazyLock<Option<CollatorBorrowed<'static>>> = LazyLock::new(|| {
    let locale: icu_locale_core::Locale = "ky".parse().ok()?;
    let mut prefs = CollatorPreferences::from(&locale);
    prefs.numeric_ordering = Some(CollationNumericOrdering::True);
    CollatorBorrowed::try_new(prefs, CollatorOptions::default()).ok()
});

/// Compares two texts in Kyrgyz order (code-point order only if ICU's compiled data were
/// missing, which the build makes impossible; a test pins the Kyrgyz order).
pub fn compare_ky(a: &str, b: &str) -> Ordering {
    match COLLATOR.as_ref() {
        Some(c) => c.compare(a, b),
        None => a.cmp(b),
    }
}

/// The printed order: settlement, street (their Kyrgyz forms, whatever the list's language),
/// house, surname, given name, patronymic, then birth date (namesakes in one house).
pub fn print_order(a: &Voter, b: &Voter) -> Ordering {
    compare_ky(&a.order_settlement, &b.order_settlement)
        .then_with(|| compare_ky(&a.order_street, &b.order_street))
        .then_with(|| compare_ky(&a.house, &b.house))
        .then_with(|| compare_ky(&a.surname, &b.surname))
        .then_with(|| compare_ky(&a.given_name, &b.given_name))
        .then_with(|| {
            compare_ky(
                a.patronymic.as_deref().unwrap_or_default(),
                b.patronymic.as_deref().unwrap_or_default(),
            )
        })
        .then_with(|| a.birth_date.cmp(&b.birth_date))
}

/// One row of the table as Typst receives it.
#[derive(Debug, Serialize)]
pub struct Row {
    /// The number on the list (1…n in the printed order).
    pub n: u32,
    pub name: String,
    pub born: String,
    pub address: String,
}

/// The whole document's data as Typst receives it (`sys.inputs.data`, JSON).
#[derive(Debug, Serialize)]
pub struct TypstInput {
    pub lang: &'static str,
    pub variant: Variant,
    pub labels: Labels,
    pub title: String,
    pub station_line: String,
    pub election: String,
    pub council: String,
    pub address: String,
    pub pec: String,
    pub voting_day: String,
    pub printed_at: String,
    pub total: usize,
    pub rows: Vec<Row>,
}

/// `DD.MM.YYYY`, the form used on Kyrgyz and Russian documents.
fn dotted(d: Date) -> String {
    format!("{:02}.{:02}.{}", d.day(), d.month(), d.year())
}

/// The year of birth; the full date for a voter who turns 18 in the year of the election, so
/// that the PEC can tell that they are of age on voting day (the list's convention).
fn born(d: Date, voting_day: Date) -> String {
    if i32::from(voting_day.year()) - i32::from(d.year()) <= 18 {
        dotted(d)
    } else {
        d.year().to_string()
    }
}

/// The voters in the printed order with their numbers on the list (1…n): the same numbers in
/// both variants and every language.
pub fn numbered(list: &StationList) -> Vec<(u32, &Voter)> {
    let mut voters: Vec<&Voter> = list.voters.iter().collect();
    voters.sort_by(|a, b| print_order(a, b));
    (1u32..).zip(voters).collect()
}

/// The data the template receives: ordered, numbered, formatted and labelled.
///
/// Every text from the data is printed with its control and bidirectional formatting characters
/// replaced by U+FFFD: the edge refuses them (`shailoo_domain::text`), but a database filled
/// before it did may still hold one, and an override would make the name that follows read
/// backwards on a list the voters sign.
pub fn typst_input(list: &StationList) -> TypstInput {
    let clean = |s: &str| text::replace_forbidden(s, Lines::One).into_owned();
    let labels = Labels::of(list.lang);
    let rows = numbered(list)
        .into_iter()
        .map(|(n, v)| Row {
            n,
            name: clean(&v.full_name()),
            born: born(v.birth_date, list.voting_day),
            address: clean(&format!("{}, {}, {}", v.settlement, v.street, v.house)),
        })
        .collect();
    let printed = to_bishkek(list.printed_at);
    TypstInput {
        lang: list.lang.code(),
        variant: list.variant,
        title: match list.variant {
            Variant::Posting => labels.title_posting.clone(),
            Variant::Signatures => labels.title_signatures.clone(),
        },
        station_line: format!("{} № {}", labels.station, list.station),
        election: clean(&list.election),
        council: clean(&list.council),
        address: clean(&list.address),
        pec: clean(&list.pec),
        voting_day: dotted(list.voting_day),
        printed_at: format!(
            "{} {:02}:{:02}",
            dotted(printed.date()),
            printed.hour(),
            printed.minute()
        ),
        total: list.voters.len(),
        rows,
        labels,
    }
}

/// A rendered list: the PDF and its number of pages.
#[derive(Debug, Clone)]
pub struct Printed {
    pub pdf: Vec<u8>,
    pub pages: usize,
}

/// Renders a station's list to PDF bytes. CPU-bound (see BENCHMARKS.md): servers call it on a
/// blocking thread.
pub fn render(list: &StationList) -> Result<Vec<u8>, PrintError> {
    render_counted(list).map(|p| p.pdf)
}

/// [`render`], also telling the number of pages (for the CLI's report and the benchmark).
pub fn render_counted(list: &StationList) -> Result<Printed, PrintError> {
    let json = serde_json::to_string(&typst_input(list))
        .map_err(|e| PrintError::Layout(format!("input: {e}")))?;
    let mut inputs = Dict::new();
    inputs.insert("data".into(), json.into_value());
    let document: PagedDocument = ENGINE
        .compile_with_input(inputs)
        .output
        .map_err(|e| PrintError::Layout(e.to_string()))?;
    let pdf = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|errors| {
        PrintError::Pdf(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    Ok(Printed {
        pdf,
        pages: document.pages().len(),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn voter(surname: &str, street: &str, house: &str) -> Voter {
        Voter {
            pin: Pin::parse("20101199000123").unwrap(),
            surname: surname.into(),
            given_name: "Айбек".into(),
            patronymic: None,
            birth_date: date(1990, 1, 1),
            settlement: "Бишкек".into(),
            street: street.into(),
            house: house.into(),
            order_settlement: "Бишкек".into(),
            order_street: street.into(),
        }
    }

    #[test]
    fn a_control_or_direction_character_held_from_older_data_never_reaches_the_sheet() {
        let list = StationList {
            lang: Lang::Ky,
            variant: Variant::Posting,
            election: "e".into(),
            voting_day: date(2024, 11, 17),
            council: "c".into(),
            station: StationNumber::new(1001).unwrap(),
            address: "мектеп\u{0}".into(),
            pec: "p".into(),
            printed_at: Timestamp::UNIX_EPOCH,
            voters: vec![voter("\u{202E}вонаса", "Ленин\u{2066}", "1")],
        };
        let input = typst_input(&list);
        assert_eq!(input.rows[0].name, "\u{FFFD}вонаса Айбек");
        assert_eq!(input.rows[0].address, "Бишкек, Ленин\u{FFFD}, 1");
        assert_eq!(input.address, "мектеп\u{FFFD}");
    }

    #[test]
    fn kyrgyz_letters_sort_after_their_base_letters() {
        // Н < Ң < О < Ө < П … У < Ү < Ф: byte order puts Ң, Ө, Ү after Я.
        let mut words = vec!["Үсөн", "Фаиз", "Өмүр", "Пазыл", "Ңа", "Ос", "Уулу", "Нур"];
        words.sort_by(|a, b| compare_ky(a, b));
        assert_eq!(
            words,
            vec!["Нур", "Ңа", "Ос", "Өмүр", "Пазыл", "Уулу", "Үсөн", "Фаиз"]
        );
        assert_eq!(
            "Өмүр".cmp("Пазыл"),
            Ordering::Greater,
            "byte order is wrong"
        );
    }

    #[test]
    fn voters_are_ordered_by_street_then_house_by_value_then_name() {
        let list = StationList {
            lang: Lang::Ky,
            variant: Variant::Posting,
            election: "e".into(),
            voting_day: date(2024, 11, 17),
            council: "c".into(),
            station: StationNumber::new(1001).unwrap(),
            address: "a".into(),
            pec: "p".into(),
            printed_at: Timestamp::UNIX_EPOCH,
            voters: vec![
                voter("Үсөнов", "Ленин", "10"),
                voter("Өмүров", "Ленин", "2"),
                voter("Асанов", "Ленин", "10"),
                voter("Асанов", "Өзгөрүш", "1"),
                voter("Жумабаев", "Ленин", "2"),
            ],
        };
        let input = typst_input(&list);
        let names: Vec<(u32, &str)> = input.rows.iter().map(|r| (r.n, r.name.as_str())).collect();
        assert_eq!(
            names,
            vec![
                (1, "Жумабаев Айбек"),
                (2, "Өмүров Айбек"),
                (3, "Асанов Айбек"),
                (4, "Үсөнов Айбек"),
                (5, "Асанов Айбек"),
            ]
        );
        assert_eq!(input.rows[4].address, "Бишкек, Өзгөрүш, 1");
    }

    #[test]
    fn a_russian_list_numbers_its_voters_as_the_kyrgyz_one() {
        // "Өзгөрүш көчөсү" sorts after "Ленин" in Kyrgyz; its Russian name "ул. Перемен" would
        // sort after "ул. Ленина" too, but "Борбордук" / "ул. Центральная" would not: the
        // order must come from the Kyrgyz forms.
        let ky = |street: &str, ru: &str| {
            let mut v = voter("Асанов", ru, "1");
            v.order_street = street.into();
            v
        };
        let list = |voters: Vec<Voter>| StationList {
            lang: Lang::Ru,
            variant: Variant::Posting,
            election: "e".into(),
            voting_day: date(2024, 11, 17),
            council: "c".into(),
            station: StationNumber::new(1001).unwrap(),
            address: "a".into(),
            pec: "p".into(),
            printed_at: Timestamp::UNIX_EPOCH,
            voters,
        };
        let ru = list(vec![
            ky("Өзгөрүш көчөсү", "ул. Перемен"),
            ky("Борбордук көчө", "ул. Центральная"),
        ]);
        let streets: Vec<&str> = numbered(&ru)
            .iter()
            .map(|(_, v)| v.street.as_str())
            .collect();
        assert_eq!(streets, vec!["ул. Центральная", "ул. Перемен"]);
        assert_eq!(
            typst_input(&ru).rows[0].address,
            "Бишкек, ул. Центральная, 1"
        );
    }

    #[test]
    fn young_voters_show_their_full_birth_date() {
        let day = date(2024, 11, 17);
        assert_eq!(born(date(2006, 11, 17), day), "17.11.2006");
        assert_eq!(born(date(2005, 3, 2), day), "2005");
    }

    #[test]
    fn variants_and_languages_parse() {
        assert_eq!(Variant::parse("signatures").unwrap(), Variant::Signatures);
        assert_eq!(Lang::parse("ru").unwrap(), Lang::Ru);
        assert_eq!(
            Variant::parse("x").unwrap_err().code(),
            ErrorCode::BadListVariant
        );
        assert_eq!(Lang::parse("de").unwrap_err().code(), ErrorCode::BadLang);
    }
}
