//! The turnout chart: the share of the voters on the lists who had taken part by each
//! reporting hour, as bars, drawn on the server as inline SVG (the site runs no script). The
//! geometry is computed here in integers; the markup is a template (`templates/turnout.svg`),
//! so every text is escaped by askama. Hours still to come get an empty, labelled slot.
//!
//! Why a template and not the `plotters` SVG backend: the picture is six bars, an axis and
//! labels; a template of thirty lines gives full control of the accessible markup (`role`,
//! `<title>`, `<desc>`, `aria-describedby` pointing at the table that holds the same
//! figures), uses the page's font and colours, and adds no dependency to build.

use crate::kit::Lang;
use crate::kit::format::percent;
use askama::Template;

/// The drawing area, in SVG user units.
const W: u64 = 640;
const H: u64 = 300;
const LEFT: u64 = 56;
const RIGHT: u64 = 16;
const TOP: u64 = 20;
const BOTTOM: u64 = 44;

struct Bar {
    x: u64,
    y: u64,
    width: u64,
    height: u64,
    label_x: u64,
    /// "10:00".
    hour: String,
    /// "12,3 %", or "—" for an hour still to come.
    value: String,
    value_y: u64,
    passed: bool,
}

struct Grid {
    y: u64,
    label: String,
}

#[derive(Template)]
#[template(path = "checkin/templates/turnout.svg")]
struct ChartSvg<'a> {
    id: &'a str,
    title: String,
    desc: String,
    /// The id of the table with the same figures.
    table: &'a str,
    bars: Vec<Bar>,
    grid: Vec<Grid>,
    axis_y: u64,
    axis_x2: u64,
}

/// The top of the axis in per cent: the next multiple of ten above the highest share, at
/// least 10.
fn top_percent(by_hour: &[u64], listed: u64) -> u64 {
    let highest = by_hour
        .iter()
        .map(|n| (u128::from(*n) * 100).div_ceil(u128::from(listed.max(1))))
        .max()
        .unwrap_or(0);
    let top = u64::try_from(highest.div_ceil(10) * 10).unwrap_or(100);
    top.clamp(10, 100)
}

/// Where the bars of a chart stand: the slot of an hour, a bar's width, the axis, the plot's
/// height, the percentage at its top, and the voters on the lists.
struct Frame {
    slot: u64,
    bar_w: u64,
    axis_y: u64,
    plot_h: u64,
    top: u64,
    listed: u64,
}

impl Frame {
    /// The bar of the `i`-th hour: its height the share of the listed who voted by then, or a
    /// stub for an hour still to come.
    fn bar(&self, lang: Lang, i: usize, h: i8, voted: Option<u64>) -> Bar {
        let x = LEFT + self.slot * i as u64 + (self.slot - self.bar_w) / 2;
        let hour = format!("{h:02}:00");
        let Some(n) = voted else {
            return Bar {
                x,
                y: self.axis_y - 2,
                width: self.bar_w,
                height: 2,
                label_x: x + self.bar_w / 2,
                hour,
                value: "—".into(),
                value_y: self.axis_y - 8,
                passed: false,
            };
        };
        // height = n / listed / (top / 100) × plot height, in integers.
        let height = u64::try_from(
            u128::from(n) * 100 * u128::from(self.plot_h)
                / (u128::from(self.listed.max(1)) * u128::from(self.top)),
        )
        .unwrap_or(self.plot_h)
        .min(self.plot_h);
        Bar {
            x,
            y: self.axis_y - height,
            width: self.bar_w,
            height,
            label_x: x + self.bar_w / 2,
            hour,
            value: percent(lang, n, self.listed).unwrap_or_else(|| "—".into()),
            value_y: (self.axis_y - height).saturating_sub(6).max(TOP - 4),
            passed: true,
        }
    }
}

/// The chart of `by_hour` (cumulative voters before each of `hours`) against `listed`, with
/// figures for the first `passed` hours only.
pub(crate) fn svg(
    lang: Lang,
    id: &str,
    table: &str,
    hours: &[i8],
    by_hour: &[u64],
    listed: u64,
    passed: usize,
) -> String {
    let shown = &by_hour[..passed.min(by_hour.len())];
    let top = top_percent(shown, listed);
    let plot_h = H - TOP - BOTTOM;
    let axis_y = H - BOTTOM;
    let slot = (W - LEFT - RIGHT) / hours.len().max(1) as u64;
    let frame = Frame {
        slot,
        bar_w: slot * 3 / 5,
        axis_y,
        plot_h,
        top,
        listed,
    };
    let bars = hours
        .iter()
        .enumerate()
        .map(|(i, h)| frame.bar(lang, i, *h, shown.get(i).copied()))
        .collect::<Vec<_>>();
    let grid = (0..=top)
        .step_by(10)
        .map(|p| Grid {
            y: axis_y - p * plot_h / top,
            label: format!("{p}\u{a0}%"),
        })
        .collect();
    let desc = bars
        .iter()
        .map(|b| {
            if b.passed {
                format!("{}: {}", b.hour, b.value)
            } else {
                format!("{}: {}", b.hour, lang.t("turnout-not-yet"))
            }
        })
        .collect::<Vec<_>>()
        .join("; ");
    let chart = ChartSvg {
        id,
        title: lang.t("turnout-chart-title"),
        desc,
        table,
        bars,
        grid,
        axis_y,
        axis_x2: W - RIGHT,
    };
    chart.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "the turnout chart did not render");
        String::new()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOURS: [i8; 6] = [10, 12, 14, 16, 18, 20];

    #[test]
    fn the_axis_ends_at_the_next_ten_per_cent_above_the_highest_share() {
        assert_eq!(top_percent(&[0, 0], 100), 10);
        assert_eq!(top_percent(&[5, 23], 100), 30);
        assert_eq!(top_percent(&[30], 100), 30);
        assert_eq!(top_percent(&[31], 100), 40);
        assert_eq!(top_percent(&[100], 100), 100);
        assert_eq!(top_percent(&[7], 0), 100);
    }

    #[test]
    fn hours_to_come_are_drawn_empty_and_say_so() {
        let s = svg(
            Lang::En,
            "t",
            "tbl",
            &HOURS,
            &[10, 25, 40, 40, 40, 40],
            100,
            2,
        );
        assert!(s.contains("10.0%") && s.contains("25.0%"), "{s}");
        // The 14:00 figure (40) exists in the data but not yet in the world.
        assert!(!s.contains("40.0%"), "{s}");
        assert_eq!(s.matches("class=\"bar\"").count(), 2);
        assert_eq!(s.matches("class=\"bar future\"").count(), 4);
        assert!(s.contains("aria-describedby=\"tbl\""));
        assert!(s.contains(&format!("14:00: {}", Lang::En.t("turnout-not-yet"))));
    }
}
