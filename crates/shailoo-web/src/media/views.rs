//! How an outlet reads: its status, its price list row by row (the rows a CMP-02 breach
//! concerns marked) and each finding with its rule, its message and the lines of the file.

use crate::kit::Lang;
use crate::kit::format::{fmt_date, fmt_instant};
use shailoo_app::media::{MediaStatus, PublicOutlet};
use shailoo_domain::media::PriceFinding;
use shailoo_domain::params::Coded;

/// One row of the price list.
pub(crate) struct PriceRow {
    pub line: u64,
    pub period: String,
    pub service: String,
    pub unit: String,
    pub buyer: String,
    pub price: String,
    pub charged_on: String,
    /// A CMP-02 breach concerns this row.
    pub breach: bool,
}

pub(crate) struct FindingView {
    pub rule: &'static str,
    pub code: &'static str,
    pub message: String,
    pub breach: bool,
    pub service: String,
    pub lines: String,
    /// "1500.00 > 1200.00", for a price above the earlier one.
    pub compared: String,
}

pub(crate) fn finding_view(lang: Lang, f: &PriceFinding) -> FindingView {
    FindingView {
        rule: f.code.rule(),
        code: f.code.code(),
        message: lang.t(f.code.message_key()),
        breach: f.is_breach(),
        service: format!("{} / {}", f.service, f.unit),
        lines: f
            .lines
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        compared: match (f.price, f.reference) {
            (Some(p), Some(r)) => format!("{p} > {r}"),
            _ => String::new(),
        },
    }
}

pub(crate) struct OutletView {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub contact: String,
    pub status: &'static str,
    pub status_label: String,
    pub reason: String,
    pub decided: String,
    pub prices: Vec<PriceRow>,
    pub findings: Vec<FindingView>,
    pub breaches: usize,
}

pub(crate) fn status_label(lang: Lang, s: MediaStatus) -> String {
    lang.t(&format!("media-status-{}", s.code()))
}

impl OutletView {
    pub(crate) fn new(lang: Lang, o: &PublicOutlet) -> OutletView {
        let breach_lines: Vec<u64> = o
            .findings
            .iter()
            .filter(|f| f.is_breach())
            .flat_map(|f| f.lines.iter().copied())
            .collect();
        let mut prices: Vec<PriceRow> = o
            .prices
            .election
            .iter()
            .map(|p| PriceRow {
                line: p.line,
                period: lang.t("media-period-election"),
                service: p.service.clone(),
                unit: p.unit.clone(),
                buyer: match p.buyer.as_str() {
                    "all" => lang.t("media-buyer-all"),
                    named => named.to_owned(),
                },
                price: p.price.to_string(),
                charged_on: String::new(),
                breach: breach_lines.contains(&p.line),
            })
            .chain(o.prices.earlier.iter().map(|p| PriceRow {
                line: p.line,
                period: lang.t("media-period-earlier"),
                service: p.service.clone(),
                unit: p.unit.clone(),
                buyer: String::new(),
                price: p.price.to_string(),
                charged_on: fmt_date(p.charged_on),
                breach: breach_lines.contains(&p.line),
            }))
            .collect();
        prices.sort_by_key(|r| r.line);
        OutletView {
            id: o.id.to_string(),
            name: o.name.to_string(),
            kind: lang.t(&format!("media-kind-{}", o.kind.code())),
            contact: o
                .contact
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            status: o.status.code(),
            status_label: status_label(lang, o.status),
            reason: o
                .reason
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            decided: o.decided_at.map(fmt_instant).unwrap_or_default(),
            prices,
            breaches: o.findings.iter().filter(|f| f.is_breach()).count(),
            findings: o.findings.iter().map(|f| finding_view(lang, f)).collect(),
        }
    }
}
