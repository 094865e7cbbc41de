//! What the violation pages, the desk and the API share: the words for categories, statuses
//! and intakes, a report's history as rows, the statistics gathered for a page.

use crate::AppState;
use crate::kit::format::{fmt_instant, name};
use crate::kit::page::Choice;
use crate::kit::{Lang, OrRefused, PageFail};
use shailoo_app::violations::{PublicUpdate, StatRow};
use shailoo_domain::TerritoryId;
use shailoo_domain::violation::{Category, Intake, Status};
use std::collections::BTreeMap;

pub(super) fn category(lang: Lang, c: Category) -> String {
    lang.t(&format!("violation-category-{}", c.code()))
}

pub(super) fn status(lang: Lang, s: Status) -> String {
    lang.t(&format!("violation-status-{}", s.code()))
}

pub(super) fn intake(lang: Lang, i: Intake) -> String {
    lang.t(&format!("violation-intake-{}", i.code()))
}

pub(super) fn category_choices(lang: Lang, chosen: Option<Category>) -> Vec<Choice> {
    Category::ALL
        .into_iter()
        .map(|c| Choice {
            value: c.code().to_owned(),
            label: category(lang, c),
            selected: chosen == Some(c),
        })
        .collect()
}

/// One step of a report's history as the reporter reads it.
pub(super) struct UpdateRow {
    pub status: String,
    pub code: &'static str,
    pub note: String,
    pub at: String,
}

pub(super) fn update_rows(lang: Lang, updates: &[PublicUpdate]) -> Vec<UpdateRow> {
    updates
        .iter()
        .map(|u| UpdateRow {
            status: status(lang, u.status),
            code: u.status.code(),
            note: u
                .note
                .as_ref()
                .map(|n| n.as_str().to_owned())
                .unwrap_or_default(),
            at: fmt_instant(u.at),
        })
        .collect()
}

/// The statistics of an election as a page shows them: totals per category (with the
/// untriaged as their own line), per region and per day.
pub(super) struct Gathered {
    pub by_category: Vec<(String, &'static str, u64)>,
    pub by_region: Vec<(String, u64)>,
    pub by_day: Vec<(String, u64)>,
    pub total: u64,
}

/// Sums `rows`, naming each region in `lang` (its id when the territory is unknown).
pub(super) async fn gather(
    state: &AppState,
    lang: Lang,
    rows: &[StatRow],
) -> Result<Gathered, PageFail> {
    let mut cats: BTreeMap<Option<Category>, u64> = BTreeMap::new();
    let mut regions: BTreeMap<Option<String>, u64> = BTreeMap::new();
    let mut days: BTreeMap<String, u64> = BTreeMap::new();
    for r in rows {
        *cats.entry(r.category).or_default() += r.count;
        *regions.entry(r.region.clone()).or_default() += r.count;
        *days.entry(r.day.to_string()).or_default() += r.count;
    }
    let mut by_region = Vec::new();
    for (region, n) in regions {
        by_region.push((region_name(state, lang, region.as_deref()).await?, n));
    }
    Ok(Gathered {
        by_category: cats
            .into_iter()
            .map(|(c, n)| match c {
                Some(c) => (category(lang, c), c.code(), n),
                None => (lang.t("violation-untriaged"), "untriaged", n),
            })
            .collect(),
        by_region,
        by_day: days.into_iter().collect(),
        total: rows.iter().map(|r| r.count).sum(),
    })
}

/// A region's name in `lang`: the territory's, or "not yet known".
pub(super) async fn region_name(
    state: &AppState,
    lang: Lang,
    region: Option<&str>,
) -> Result<String, PageFail> {
    let Some(id) = region else {
        return Ok(lang.t("violation-no-region"));
    };
    let Ok(tid) = TerritoryId::parse(id) else {
        return Ok(id.to_owned());
    };
    Ok(match state.store.territory(&tid).await.or_page(lang)? {
        Some(t) => name(&t.name, lang),
        None => id.to_owned(),
    })
}
