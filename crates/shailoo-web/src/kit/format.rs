//! How dates, times, instants and names read on a page: day first, Bishkek time, the name in
//! the reader's language.

use crate::kit::i18n::Lang;
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use shailoo_domain::params::Coded;
use shailoo_domain::territory::LocalizedName;
use shailoo_domain::time::to_bishkek;
use shailoo_domain::voter::IneligibilityReason;

/// `17.11.2024`.
pub(crate) fn fmt_date(d: Date) -> String {
    d.strftime("%d.%m.%Y").to_string()
}

/// `08:00`.
pub(crate) fn fmt_time(t: Time) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// An instant as staff read it: Bishkek time, day first (`17.11.2024 08:00`).
pub(crate) fn fmt_instant(t: Timestamp) -> String {
    to_bishkek(t).strftime("%d.%m.%Y %H:%M").to_string()
}

/// The time of day of an instant in Bishkek (`14:05`).
pub(crate) fn fmt_local_time(t: Timestamp) -> String {
    fmt_time(to_bishkek(t).time())
}

/// A name in the reader's language.
pub(crate) fn name(n: &LocalizedName, lang: Lang) -> String {
    n.get(lang.code()).to_owned()
}

/// `part` of `whole` in per cent with one decimal, rounded half up, in the reader's notation
/// ("45,3 %" in Kyrgyz and Russian, "45.3%" in English); `None` when `whole` is 0. Exact
/// integer arithmetic: the only division is the last one, in tenths of a per cent.
pub(crate) fn percent(lang: Lang, part: u64, whole: u64) -> Option<String> {
    if whole == 0 {
        return None;
    }
    let tenths = (u128::from(part) * 1000 + u128::from(whole) / 2) / u128::from(whole);
    let (units, tenth) = (tenths / 10, tenths % 10);
    Some(match lang {
        Lang::En => format!("{units}.{tenth}%"),
        Lang::Ky | Lang::Ru => format!("{units},{tenth}\u{a0}%"),
    })
}

/// Why a person is not on a list, in the reader's language, with the rule it comes from
/// ("Not yet 18 years old on voting day. (VOT-02)"). A code no reason has (a report older than
/// the rules) reads as itself.
pub(crate) fn ineligibility(lang: Lang, code: &str) -> String {
    match IneligibilityReason::from_code(code) {
        Some(r) => format!("{} ({})", lang.t(r.message_key()), r.rule()),
        None => code.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_read_in_bishkek_time_day_first() {
        let t: Timestamp = "2024-11-17T02:00:00Z".parse().expect("instant");
        assert_eq!(fmt_instant(t), "17.11.2024 08:00");
        assert_eq!(fmt_local_time(t), "08:00");
        assert_eq!(fmt_date(jiff::civil::date(2024, 9, 6)), "06.09.2024");
    }

    #[test]
    fn percentages_are_exact_until_the_last_tenth_and_read_in_each_language() {
        assert_eq!(percent(Lang::En, 1, 3).as_deref(), Some("33.3%"));
        assert_eq!(percent(Lang::En, 2, 3).as_deref(), Some("66.7%"));
        // Half a tenth rounds up: 1/8 = 12.5 %, 1/16 = 6.25 % → 6.3 %.
        assert_eq!(percent(Lang::En, 1, 16).as_deref(), Some("6.3%"));
        assert_eq!(
            percent(Lang::Ru, 4_135_039, 4_135_039).as_deref(),
            Some("100,0\u{a0}%")
        );
        assert_eq!(percent(Lang::Ky, 0, 7).as_deref(), Some("0,0\u{a0}%"));
        assert_eq!(percent(Lang::En, 5, 0), None);
        // No overflow at national size and beyond.
        assert_eq!(
            percent(Lang::En, u64::MAX, u64::MAX).as_deref(),
            Some("100.0%")
        );
    }

    #[test]
    fn reasons_read_as_sentences_naming_their_rule() {
        assert_eq!(
            ineligibility(Lang::En, "VOT-02_under_age"),
            "Not yet 18 years old on voting day. (VOT-02)"
        );
        assert_eq!(ineligibility(Lang::En, "VOT-99_x"), "VOT-99_x");
    }
}
