//! The 39 registered parties of the demo data (CAN-10), with names in Kyrgyz, Russian and Latin
//! letters and a state registration number each.
//!
//! Eight are the parties the sources name for the 2024 Bishkek city council race (RES-12 and
//! `law-notes.md`): the five that won seats, the Social Democrats (deregistered the day before
//! voting), Uluu-Zhurt, and Bir Bol (whose Osh list had 34 candidates for 51 seats). The other
//! 31 are plausible inventions, not the 2024 register; any likeness to a real party is
//! accidental. The generator gives the designed faults of the demo (refusals, a list composed
//! against CAN-06…) to invented parties only.
//!
//! Registration numbers imitate the Ministry of Justice's `NNNN-33NN-ПП`; none is
//! `DEMO-OTHER-0001`, the party the candidate registry double makes "another party" (CAN-04).

use crate::translit::{ky_to_ru, slug, to_latin};
use shailoo_domain::candidate::{Party, PartyId, PartyRegistrationNumber};
use shailoo_domain::territory::LocalizedName;

/// A party of the table: the name as the ballot shows it between quotes, in Kyrgyz; the Russian
/// and Latin spellings when they are established, else derived; and its weight, how widely it
/// runs (lists and aiyl nominees are drawn in proportion).
struct PartyName {
    ky: &'static str,
    ru: Option<&'static str>,
    latin: Option<&'static str>,
    weight: u32,
}

const fn real(ky: &'static str, ru: &'static str, latin: &'static str, weight: u32) -> PartyName {
    PartyName {
        ky,
        ru: Some(ru),
        latin: Some(latin),
        weight,
    }
}

const fn invented(ky: &'static str, weight: u32) -> PartyName {
    PartyName {
        ky,
        ru: None,
        latin: None,
        weight,
    }
}

/// The parties of RES-12's Bishkek result, in the order of their votes.
pub const BISHKEK_WINNERS: [&str; 5] = ["zhany-kuch", "emgek", "yntymak", "adilet", "el-umutu"];
/// The Social Democrats: nominated in Bishkek in 2024, registered, deregistered the day before
/// voting (CAN-09).
pub const SOCIAL_DEMOCRATS: &str = "social-democrats";
/// On the Bishkek ballot of 2024 without winning a seat.
pub const ULUU_ZHURT: &str = "uluu-zhurt";
/// Its Osh list of 2024 had 34 candidates for 51 seats (`law-notes.md`).
pub const BIR_BOL: &str = "bir-bol";
/// How many of [`PARTIES`] are real (the first ones); the rest are invented.
pub const REAL_PARTIES: usize = 8;

const PARTIES: [PartyName; 39] = [
    real("Жаңы Күч", "Жаны Куч", "Zhany Kuch", 9),
    real("Эмгек", "Эмгек", "Emgek", 8),
    real("Ынтымак", "Ынтымак", "Yntymak", 7),
    real("Адилет", "Адилет", "Adilet", 7),
    real("Эл Үмүтү", "Эл Умуту", "El Umutu", 6),
    real(
        "Социал-демократтар",
        "Социал-демократы",
        "Social Democrats",
        4,
    ),
    real("Улуу-Журт", "Улуу-Журт", "Uluu-Zhurt", 2),
    real("Бир Бол", "Бир Бол", "Bir Bol", 3),
    invented("Ала-Тоо Биримдиги", 4),
    invented("Мекен Туусу", 4),
    invented("Ак Шумкар", 3),
    invented("Элдик Кеңеш", 3),
    invented("Жаштар Үнү", 3),
    invented("Келечек", 3),
    invented("Айкөл Эл", 3),
    invented("Туура Жол", 3),
    invented("Эл Ынтымагы", 3),
    invented("Таза Коом", 3),
    invented("Жаңы Доор", 2),
    invented("Санарип Өлкө", 2),
    invented("Кут Болсун", 2),
    invented("Нур Жолу", 2),
    invented("Байтерек", 2),
    invented("Калк Үнү", 2),
    invented("Ата Салты", 2),
    invented("Тоолуу Кыргызстан", 2),
    invented("Өнүгүү Жолу", 2),
    invented("Эл Карманы", 2),
    invented("Ак Ниет", 2),
    invented("Алтын Көпүрө", 1),
    invented("Ишенимдүү Келечек", 1),
    invented("Жер-Суу", 1),
    invented("Агрардык Биримдик", 1),
    invented("Мекенчил Жаштар", 1),
    invented("Чыныгы Демократия", 1),
    invented("Ордо Бирлиги", 1),
    invented("Көк Асаба", 1),
    invented("Эл Кызматы", 1),
    invented("Бейпил Турмуш", 1),
];

/// The parties with their weights, in table order: the real ones first.
pub(crate) fn parties() -> Vec<(Party, u32)> {
    PARTIES
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let ru = p.ru.map_or_else(|| ky_to_ru(p.ky), str::to_owned);
            let latin = p.latin.map_or_else(|| to_latin(p.ky), str::to_owned);
            let id = PartyId::parse(&slug(&latin, 40)).expect("a slug is a valid party id");
            // Numbers spread like a register's: a serial and a year-like code.
            let serial = 1_100 + (i as u32 * 7_919) % 8_700;
            let number = format!("{serial:04}-33{:02}-ПП", i % 5);
            let party = Party {
                id,
                name: LocalizedName {
                    ky: format!("«{}» саясий партиясы", p.ky),
                    ru: format!("Политическая партия «{ru}»"),
                    en: format!("{latin} political party"),
                },
                registration_number: PartyRegistrationNumber::parse(&number)
                    .expect("digits, '-' and Cyrillic letters make a valid number"),
            };
            (party, p.weight)
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn can_10_thirty_nine_parties_with_unique_ids_and_numbers() {
        let all = parties();
        assert_eq!(all.len(), 39);
        let ids: HashSet<_> = all.iter().map(|(p, _)| p.id.as_str()).collect();
        let numbers: HashSet<_> = all
            .iter()
            .map(|(p, _)| p.registration_number.as_str())
            .collect();
        assert_eq!((ids.len(), numbers.len()), (39, 39));
        for id in BISHKEK_WINNERS
            .iter()
            .chain(&[SOCIAL_DEMOCRATS, ULUU_ZHURT, BIR_BOL])
        {
            let i = all.iter().position(|(p, _)| p.id.as_str() == *id).unwrap();
            assert!(i < REAL_PARTIES, "{id}");
        }
        assert!(!ids.contains("self") && !numbers.contains("DEMO-OTHER-0001"));
        assert_eq!(all[0].0.name.en, "Zhany Kuch political party");
        assert_eq!(all[9].0.name.ru, "Политическая партия «Мекен Туусу»");
    }
}
