//! The rendered PDF read back with poppler's tools (`pdftotext`, `pdfinfo`, `pdffonts` from
//! Debian's `poppler-utils`, which `scripts/test` installs): the Kyrgyz letters survive as
//! text, DejaVu is embedded, pages are numbered "N / M" with the header on each, and data
//! cannot inject markup.
#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a test reads as one scenario, top to bottom; the size limits are for production code"
)]
#![allow(clippy::unwrap_used, reason = "tests fail loudly")]

use jiff::Timestamp;
use jiff::civil::date;
use shailoo_domain::{Pin, Sex, StationNumber};
use shailoo_print::{
    BallotLine, BallotProof, Lang, StationList, Variant, Voter, render, render_ballot, typst_input,
};
use std::path::Path;
use std::process::Command;

const SURNAMES: [&str; 6] = [
    "Өмүрбеков",
    "Үсөнова",
    "Ңаатбаев",
    "Асанова",
    "Жээнбеков",
    "Төлөгөнов",
];
const GIVEN: [&str; 5] = ["Айгүл", "Нурбек", "Бүбүсара", "Мөлмөл", "Эңкебай"];

fn voters(n: usize) -> Vec<Voter> {
    (0..n)
        .map(|i| Voter {
            pin: Pin::compose(Sex::Female, date(1980, 1, 1), 100 + i as u32),
            surname: format!("{}{}", SURNAMES[i % SURNAMES.len()], i),
            given_name: GIVEN[i % GIVEN.len()].to_owned(),
            patronymic: (i % 3 != 0).then(|| "Төрөкулович".to_owned()),
            birth_date: date(
                1950 + (i % 50) as i16,
                1 + (i % 12) as i8,
                1 + (i % 28) as i8,
            ),
            settlement: "Бишкек".to_owned(),
            street: ["Чүй проспекти", "Өзгөрүш көчөсү", "Ңа көчөсү"][i % 3].to_owned(),
            house: (1 + i % 40).to_string(),
            order_settlement: "Бишкек".to_owned(),
            order_street: ["Чүй проспекти", "Өзгөрүш көчөсү", "Ңа көчөсү"][i % 3].to_owned(),
        })
        .collect()
}

fn list(variant: Variant, lang: Lang, voters: Vec<Voter>) -> StationList {
    StationList {
        lang,
        variant,
        election: "Жергиликтүү кеңештердин депутаттарын шайлоо 2024".into(),
        voting_day: date(2024, 11, 17),
        council: "Бишкек шаардык кеңеши".into(),
        station: StationNumber::new(1001).unwrap(),
        address: "Чүй проспекти, 100, № 5 мектеп".into(),
        pec: "№ 1001 УШК".into(),
        printed_at: "2024-10-20T04:00:00Z".parse::<Timestamp>().unwrap(),
        voters,
    }
}

fn tool(name: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(name)
        .args(args)
        .arg(pdf)
        .args(if name == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{name} is needed (Debian package poppler-utils, installed by scripts/test): {e}"
            )
        });
    assert!(out.status.success(), "{name} failed: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn write(pdf: &[u8]) -> tempfile::TempPath {
    let file = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    std::fs::write(file.path(), pdf).unwrap();
    file.into_temp_path()
}

/// Text with every run of white space made one space (a cell may wrap a long name).
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn pages(path: &Path) -> usize {
    let info = tool("pdfinfo", &[], path);
    let line = info.lines().find(|l| l.starts_with("Pages:")).unwrap();
    line["Pages:".len()..].trim().parse().unwrap()
}

#[test]
fn kyrgyz_names_come_back_as_text_with_dejavu_embedded_and_pages_numbered() {
    let voters = voters(120);
    let bytes = render(&list(Variant::Posting, Lang::Ky, voters.clone())).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let path = write(&bytes);

    let text = flat(&tool("pdftotext", &["-raw"], &path));
    for v in &voters {
        assert!(text.contains(&v.full_name()), "{} missing", v.full_name());
    }
    for letter in ["Ө", "Ү", "Ң", "ө", "ү", "ң"] {
        assert!(text.contains(letter), "{letter} lost");
    }

    let fonts = tool("pdffonts", &[], &path);
    assert!(fonts.contains("DejaVuSans"), "{fonts}");
    assert!(fonts.contains("DejaVuSans-Bold"), "{fonts}");
    // Every font listed is embedded ("emb" column: yes).
    for line in fonts.lines().skip(2) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        let emb = cols[cols.len() - 5];
        assert_eq!(emb, "yes", "not embedded: {line}");
    }

    // 120 one-line rows on A4 at 8.5 pt: three pages, each with the header, the column
    // heads and "N / 3".
    let n = pages(&path);
    assert_eq!(n, 3, "page count");
    let page_size = tool("pdfinfo", &[], &path);
    assert!(page_size.contains("(A4)"), "{page_size}");
    for page in 1..=n {
        let p = page.to_string();
        let text = tool("pdftotext", &["-layout", "-f", &p, "-l", &p], &path);
        assert!(
            text.contains(&format!("{page} / {n}")),
            "page {page}: {text}"
        );
        assert!(text.contains("Шайлоо участкасы № 1001"), "page {page}");
        assert!(text.contains("Бишкек шаардык кеңеши"), "page {page}");
        assert!(text.contains("Фамилиясы, аты, атасынын аты"), "page {page}");
    }
    // The signature lines of the chair and the secretary close the list.
    let last = tool("pdftotext", &["-f", "3", "-l", "3"], &path);
    assert!(last.contains("УШКнын төрагасы") && last.contains("УШКнын катчысы"));
}

#[test]
fn rows_are_numbered_in_kyrgyz_order_and_both_variants_agree() {
    let voters = voters(30);
    let posting = typst_input(&list(Variant::Posting, Lang::Ky, voters.clone()));
    let signatures = typst_input(&list(Variant::Signatures, Lang::Ru, voters));
    let a: Vec<(u32, &str)> = posting
        .rows
        .iter()
        .map(|r| (r.n, r.name.as_str()))
        .collect();
    let b: Vec<(u32, &str)> = signatures
        .rows
        .iter()
        .map(|r| (r.n, r.name.as_str()))
        .collect();
    assert_eq!(a, b);
    assert_eq!(a.first().unwrap().0, 1);
    assert_eq!(a.last().unwrap().0, 30);
    // Streets in Kyrgyz order (Ң between Н and О, Ө after О, both before Ч), where byte
    // order would put Ң and Ө after Я.
    let streets: Vec<&str> = posting
        .rows
        .iter()
        .map(|r| r.address.split(", ").nth(1).unwrap())
        .collect();
    let first_of = |s: &str| streets.iter().position(|x| *x == s).unwrap();
    assert!(first_of("Ңа көчөсү") < first_of("Өзгөрүш көчөсү"));
    assert!(first_of("Өзгөрүш көчөсү") < first_of("Чүй проспекти"));
}

#[test]
fn the_signature_list_has_the_signature_columns_and_russian_labels() {
    let bytes = render(&list(Variant::Signatures, Lang::Ru, voters(10))).unwrap();
    let path = write(&bytes);
    let text = flat(&tool("pdftotext", &["-raw"], &path));
    assert!(
        text.contains("Список избирателей (для выдачи бюллетеней)"),
        "{text}"
    );
    assert!(text.contains("Подпись избирателя"), "{text}");
    assert!(text.contains("Председатель УИК"), "{text}");
    assert!(text.contains("1 / 1"), "{text}");
    let posting = render(&list(Variant::Posting, Lang::Ru, voters(10))).unwrap();
    let text = flat(&tool("pdftotext", &["-raw"], &write(&posting)));
    assert!(!text.contains("Подпись избирателя"), "{text}");
}

#[test]
fn markup_in_the_data_is_printed_as_text_not_obeyed() {
    let hostile = [
        "#set page(paper: \"a5\")",
        "]#panic(\"injected\")[",
        "$x^2$ *bold* _it_ <lbl> @ref",
        "\\\" } ) ] // /* #{",
    ];
    let mut voters = voters(4);
    for (v, name) in voters.iter_mut().zip(hostile) {
        v.surname = name.to_owned();
        v.street = name.to_owned();
    }
    let mut printed = list(Variant::Posting, Lang::En, voters);
    printed.election = "#pagebreak() ] [".into();
    let bytes = render(&printed).unwrap();
    let path = write(&bytes);
    assert_eq!(pages(&path), 1, "no page break was injected");
    assert!(
        tool("pdfinfo", &[], &path).contains("(A4)"),
        "page size unchanged"
    );
    let text = flat(&tool("pdftotext", &["-raw"], &path));
    for name in hostile {
        assert!(
            text.contains(name),
            "{name:?} not printed verbatim:\n{text}"
        );
    }
    assert!(text.contains("#pagebreak() ] ["));
}

#[test]
fn an_empty_list_still_prints_with_its_signature_lines() {
    let bytes = render(&list(Variant::Posting, Lang::Ky, Vec::new())).unwrap();
    let text = flat(&tool("pdftotext", &["-raw"], &write(&bytes)));
    assert!(
        text.contains("Бул участканын тизмесинде шайлоочу жок."),
        "{text}"
    );
    assert!(text.contains("УШКнын катчысы"));
}

#[test]
fn the_typst_input_is_plain_data() {
    let small = voters(3);
    insta::assert_json_snapshot!(typst_input(&list(Variant::Signatures, Lang::Ky, small)));
}

/// The words of a PDF with their boxes, as `pdftotext -bbox` gives them: (text, xMin, yMin,
/// xMax).
fn word_boxes(path: &Path) -> Vec<(String, f64, f64, f64)> {
    let html = tool("pdftotext", &["-bbox"], path);
    html.lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l.strip_prefix("<word ")?;
            let attr = |name: &str| -> Option<f64> {
                let at = rest.find(&format!("{name}=\""))? + name.len() + 2;
                rest[at..].split('"').next()?.parse().ok()
            };
            let text = rest.split('>').nth(1)?.split('<').next()?.to_owned();
            Some((text, attr("xMin")?, attr("yMin")?, attr("xMax")?))
        })
        .collect()
}

#[test]
fn a_full_birth_date_stays_inside_its_column_in_both_variants() {
    // 18 in the year of the election: the list prints the full date (11.04.2006).
    let young = Voter {
        pin: Pin::compose(Sex::Female, date(2006, 4, 11), 7),
        surname: "Өмүрбекова".into(),
        given_name: "Бүбүсара".into(),
        patronymic: Some("Төрөкуловна".into()),
        birth_date: date(2006, 4, 11),
        settlement: "Уч-Озон".into(),
        street: "Гагарин көчөсү".into(),
        house: "128".into(),
        order_settlement: "Уч-Озон".into(),
        order_street: "Гагарин көчөсү".into(),
    };
    for variant in [Variant::Signatures, Variant::Posting] {
        for lang in [Lang::Ky, Lang::Ru, Lang::En] {
            let bytes = render(&list(variant, lang, vec![young.clone()])).unwrap();
            let words = word_boxes(&write(&bytes));
            let date = words
                .iter()
                .find(|w| w.0 == "11.04.2006")
                .unwrap_or_else(|| panic!("{variant:?} {lang:?}: the date is not one word"));
            // The address starts on the same line, to the right of the whole date, with room.
            let address = words
                .iter()
                .find(|w| w.0.starts_with("Уч-Озон") && (w.2 - date.2).abs() < 3.0)
                .unwrap_or_else(|| panic!("{variant:?} {lang:?}: no address beside the date"));
            assert!(
                date.3 + 3.0 <= address.1,
                "{variant:?} {lang:?}: the date ends at {} and the address starts at {}",
                date.3,
                address.1
            );
            let name = words
                .iter()
                .find(|w| w.0.starts_with("Өмүрбекова"))
                .unwrap();
            assert!(
                name.3 < date.1,
                "{variant:?} {lang:?}: the name runs into the date"
            );
        }
    }
}

/// A ballot proof: its lines come back as text in ballot order, Kyrgyz letters intact, and a
/// party's name holding markup prints as typed.
#[test]
fn a_ballot_proof_prints_its_lines_in_ballot_order_as_typed() {
    let line = |number, label: &str, detail: &str| BallotLine {
        number,
        label: label.into(),
        detail: detail.into(),
    };
    let proof = BallotProof {
        lang: Lang::Ky,
        title: "Шайлоо бюллетени".into(),
        proof: "ҮЛГҮ".into(),
        instruction: "Бир гана белги коюңуз".into(),
        election: "Жергиликтүү кеңештердин депутаттарын шайлоо 2024".into(),
        council: "Бишкек шаардык кеңеши".into(),
        contest: "Партиялык тизмелер".into(),
        lines: vec![
            line(1, "«Жаңы Күч» #[ $x ]", ""),
            line(2, "«Эмгек»", ""),
            line(3, "Баарына каршы", ""),
        ],
    };
    let path = write(&render_ballot(&proof).unwrap());
    let text = flat(&tool("pdftotext", &["-raw"], &path));
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} not in {text}"));
    assert!(at("1 «Жаңы Күч» #[ $x ]") < at("2 «Эмгек»"));
    assert!(at("2 «Эмгек»") < at("3 Баарына каршы"));
    assert!(text.contains("Бишкек шаардык кеңеши"));
    assert_eq!(pages(&path), 1);
}
