//! The printed labels in Kyrgyz (the state language), Russian (the official language) and
//! English. They live here rather than in the web's Fluent catalogues because the CLI prints
//! too and this crate depends on no web code; the terms follow the Constitutional Law "On
//! elections…" (шайлоочулардын тизмеси / список избирателей, УШК / УИК).

use crate::Lang;
use serde::Serialize;

/// Every label the template shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Labels {
    pub title_posting: String,
    pub title_signatures: String,
    pub station: String,
    pub address: String,
    pub pec: String,
    pub voting_day: String,
    pub total: String,
    pub printed_at: String,
    pub page: String,
    pub col_number: String,
    pub col_name: String,
    pub col_born: String,
    pub col_address: String,
    pub col_voter_signature: String,
    pub col_member_mark: String,
    pub chair: String,
    pub secretary: String,
    pub signature: String,
    pub full_name: String,
    pub stamp: String,
    pub empty: String,
}

impl Labels {
    pub fn of(lang: Lang) -> Labels {
        match lang {
            Lang::Ky => Labels::kyrgyz(),
            Lang::Ru => Labels::russian(),
            Lang::En => Labels::english(),
        }
    }

    fn kyrgyz() -> Labels {
        Labels {
            title_posting: "Шайлоочулардын тизмеси (таанышуу үчүн)".into(),
            title_signatures: "Шайлоочулардын тизмеси (бюллетендерди берүү үчүн)".into(),
            station: "Шайлоо участкасы".into(),
            address: "Участканын дареги".into(),
            pec: "Участкалык шайлоо комиссиясы".into(),
            voting_day: "Добуш берүү күнү".into(),
            total: "Тизмедеги шайлоочулардын саны".into(),
            printed_at: "Басылып чыккан".into(),
            page: "Барак".into(),
            col_number: "№".into(),
            col_name: "Фамилиясы, аты, атасынын аты".into(),
            col_born: "Туулган жылы".into(),
            col_address: "Жашаган жеринин дареги".into(),
            col_voter_signature: "Бюллетенди алгандыгы жөнүндө шайлоочунун колу".into(),
            col_member_mark: "Бюллетенди берген УШК мүчөсүнүн колу".into(),
            chair: "УШКнын төрагасы".into(),
            secretary: "УШКнын катчысы".into(),
            signature: "(колу)".into(),
            full_name: "(фамилиясы, аты-жөнү)".into(),
            stamp: "М. О.".into(),
            empty: "Бул участканын тизмесинде шайлоочу жок.".into(),
        }
    }

    fn russian() -> Labels {
        Labels {
            title_posting: "Список избирателей (для ознакомления)".into(),
            title_signatures: "Список избирателей (для выдачи бюллетеней)".into(),
            station: "Избирательный участок".into(),
            address: "Адрес участка".into(),
            pec: "Участковая избирательная комиссия".into(),
            voting_day: "День голосования".into(),
            total: "Число избирателей в списке".into(),
            printed_at: "Распечатано".into(),
            page: "Стр.".into(),
            col_number: "№".into(),
            col_name: "Фамилия, имя, отчество".into(),
            col_born: "Год рождения".into(),
            col_address: "Адрес места жительства".into(),
            col_voter_signature: "Подпись избирателя за полученный бюллетень".into(),
            col_member_mark: "Подпись члена УИК, выдавшего бюллетень".into(),
            chair: "Председатель УИК".into(),
            secretary: "Секретарь УИК".into(),
            signature: "(подпись)".into(),
            full_name: "(фамилия, инициалы)".into(),
            stamp: "М. П.".into(),
            empty: "В списке этого участка нет избирателей.".into(),
        }
    }

    fn english() -> Labels {
        Labels {
            title_posting: "Voter list (for public inspection)".into(),
            title_signatures: "Voter list (for issuing ballots)".into(),
            station: "Polling station".into(),
            address: "Station address".into(),
            pec: "Precinct election commission".into(),
            voting_day: "Voting day".into(),
            total: "Voters on the list".into(),
            printed_at: "Printed".into(),
            page: "Page".into(),
            col_number: "No.".into(),
            col_name: "Surname, given name, patronymic".into(),
            col_born: "Year of birth".into(),
            col_address: "Address of residence".into(),
            col_voter_signature: "Voter's signature for the ballot received".into(),
            col_member_mark: "Signature of the PEC member issuing the ballot".into(),
            chair: "PEC chair".into(),
            secretary: "PEC secretary".into(),
            signature: "(signature)".into(),
            full_name: "(name)".into(),
            stamp: "Seal".into(),
            empty: "There are no voters on this station's list.".into(),
        }
    }
}
