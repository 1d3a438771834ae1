//! A force comparison drawn as SVG: one horizontal bar per figure, one chart per metric.
//!
//! Every figure of every compared actor gets its own bar (two publishers' numbers are two
//! bars, never one), labelled with the amount as the source put it and with who stated it for
//! which period. The qualifier is drawn, not only written: a "more than" or "at least" bar runs
//! on past its number and fades out, an "up to" or "fewer than" bar is an outline (the amount
//! is somewhere below its end), an "about" bar has a soft end, and a figure without a number
//! has no bar at all.

use maud::{Markup, html};

use super::theme::Theme;
use crate::domain::attribution::Context;
use crate::domain::{ActorKind, DateBasis, ForceFigure, ForceMetric, MetricComparison, Qualifier};
use crate::locale::Locale;

/// Left and right margin, and the room a bar may run on past its number (open-ended bars).
const PAD: f64 = 12.0;
const RUN_ON: f64 = 56.0;
/// Vertical layout of one bar's row: its label lines, the bar, its credit lines (SVG text
/// does not wrap: both are broken at words to fit the width, never cut).
const LABEL_SIZE: f64 = 13.0;
const LABEL_LINE: f64 = 16.0;
const CREDIT_SIZE: f64 = 12.0;
const CREDIT_LINE: f64 = 14.0;
const ROW_GAP: f64 = 12.0;
const HEADER: f64 = 34.0;
const BAR_HEIGHT: f64 = 16.0;
const FOOTER_LINE: f64 = 15.0;
const FOOTER_SIZE: f64 = 11.0;

/// What a metric is called on a chart: "Active personnel".
pub fn metric_title(metric: ForceMetric) -> &'static str {
    match metric {
        ForceMetric::ActivePersonnel => "Active personnel",
        ForceMetric::ArmouredFightingVehicles => "Armoured fighting vehicles",
        ForceMetric::CombatAircraft => "Combat aircraft",
        ForceMetric::Aircraft => "Aircraft",
        ForceMetric::Helicopters => "Helicopters",
        ForceMetric::FighterJets => "Fighter jets",
        ForceMetric::NuclearArmed => "Nuclear weapons",
        ForceMetric::EffectiveAirForce => "Effective air force",
    }
}

/// One row: the actor's name and the figure it draws (`None`: the actor has none for the
/// metric, which is said in words, never drawn as zero).
struct Bar<'a> {
    actor: &'a str,
    figure: Option<&'a ForceFigure>,
}

/// The chart of one metric, `width` user units wide (the SVG scales to its container), with
/// `footer` lines under the bars (an embed's source line). `id` makes its element ids unique
/// on a page holding several charts.
pub fn chart(
    comparison: &MetricComparison,
    ctx: &Context,
    locale: &Locale,
    theme: Theme,
    width: u32,
    footer: &[String],
    id: &str,
) -> Markup {
    let bars: Vec<Bar> = comparison
        .actors
        .iter()
        .flat_map(|a| {
            let actor = name(ctx, a.actor.as_str());
            let figures: Vec<Option<&ForceFigure>> = if a.figures.is_empty() {
                vec![None]
            } else {
                a.figures.iter().map(Some).collect()
            };
            figures.into_iter().map(move |figure| Bar { actor, figure })
        })
        .collect();
    let width = f64::from(width);
    let fits = |size: f64| ((width - 2.0 * PAD) / (0.58 * size)) as usize;
    let rows: Vec<Row> = bars
        .iter()
        .map(|bar| Row::of(bar, ctx, locale, fits(LABEL_SIZE), fits(CREDIT_SIZE)))
        .collect();
    let tops: Vec<f64> = rows
        .iter()
        .scan(HEADER, |top, row| {
            let this = *top;
            *top += row.height();
            Some(this)
        })
        .collect();
    let body = HEADER + rows.iter().map(Row::height).sum::<f64>();
    let per_line = fits(FOOTER_SIZE);
    let footer: Vec<String> = footer.iter().flat_map(|l| wrap(l, per_line)).collect();
    let height = body + FOOTER_LINE * footer.len() as f64 + 8.0;
    let largest = bars
        .iter()
        .filter_map(|b| b.figure.and_then(|f| f.value))
        .max()
        .unwrap_or(0);
    let plot = width - 2.0 * PAD - RUN_ON;
    let scale = if largest > 0 {
        plot / largest as f64
    } else {
        0.0
    };
    let title = metric_title(comparison.metric);
    let description = bars
        .iter()
        .map(|b| format!("{}: {}", b.actor, bar_words(b, ctx, locale)))
        .collect::<Vec<_>>()
        .join("; ");
    let colours = theme.colours();
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="force-chart" role="img"
            viewBox=(format!("0 0 {} {}", n(width), n(height))) width="100%"
            aria-labelledby=(format!("{id}-title {id}-desc"))
            style=(format!("max-width:{}px;height:auto;font-family:system-ui,sans-serif", n(width))) {
            title id=(format!("{id}-title")) { (title) }
            desc id=(format!("{id}-desc")) { (description) }
            defs {
                linearGradient id=(format!("{id}-run-on")) x1="0" x2="1" y1="0" y2="0" {
                    stop offset="0" stop-color=(colours.bar) stop-opacity="1" {}
                    stop offset="1" stop-color=(colours.bar) stop-opacity="0" {}
                }
            }
            rect width="100%" height="100%" fill=(colours.background) {}
            text x=(PAD) y="22" font-size="15" font-weight="600" fill=(colours.text) { (title) }
            @for ((bar, layout), top) in bars.iter().zip(&rows).zip(&tops) {
                (row(bar, layout, *top, scale, ctx, locale, theme, id))
            }
            @for (i, line) in footer.iter().enumerate() {
                text x=(PAD) y=(n(body + FOOTER_LINE * (i as f64 + 0.75))) font-size=(FOOTER_SIZE)
                    fill=(colours.muted) class="source-line" { (line) }
            }
        }
    }
}

/// A bar's row laid out: its label ("Pakistan — more than 600,000 active personnel") and its
/// credit, each broken into lines that fit the chart's width.
struct Row {
    label: Vec<String>,
    credit: Vec<String>,
}

impl Row {
    fn of(
        bar: &Bar,
        ctx: &Context,
        locale: &Locale,
        label_fits: usize,
        credit_fits: usize,
    ) -> Self {
        match bar.figure {
            Some(figure) => Self {
                label: wrap(
                    &format!("{} — {}", bar.actor, amount(figure, locale)),
                    label_fits,
                ),
                credit: wrap(&credit(figure, ctx, locale), credit_fits),
            },
            None => Self {
                label: wrap(
                    &format!("{} — no figure for this metric in the dataset", bar.actor),
                    label_fits,
                ),
                credit: Vec::new(),
            },
        }
    }

    /// Where the bar's top is, below the row's top.
    fn bar_top(&self) -> f64 {
        LABEL_LINE * self.label.len() as f64 + 6.0
    }

    fn height(&self) -> f64 {
        if self.credit.is_empty() {
            return LABEL_LINE * self.label.len() as f64 + ROW_GAP;
        }
        self.bar_top() + BAR_HEIGHT + CREDIT_LINE * self.credit.len() as f64 + 2.0 + ROW_GAP
    }
}

/// The label's lines as SVG text, the actor's name (which starts the first) in bold.
fn label(layout: &Row, actor: &str, top: f64, colour: &str) -> Markup {
    html! {
        @for (i, line) in layout.label.iter().enumerate() {
            text x=(PAD) y=(n(top + 13.0 + LABEL_LINE * i as f64)) font-size=(LABEL_SIZE) fill=(colour) {
                @match (i, line.strip_prefix(actor)) {
                    (0, Some(rest)) => { tspan font-weight="600" { (actor) } (rest) }
                    _ => (line),
                }
            }
        }
    }
}

/// One bar's row at `top`: label, bar as qualified, credit.
#[allow(clippy::too_many_arguments)]
fn row(
    bar: &Bar,
    layout: &Row,
    top: f64,
    scale: f64,
    ctx: &Context,
    locale: &Locale,
    theme: Theme,
    id: &str,
) -> Markup {
    let colours = theme.colours();
    let Some(figure) = bar.figure else {
        return html! {
            g class="bar" data-qualifier="none" {
                (label(layout, bar.actor, top, colours.text))
            }
        };
    };
    let y = top + layout.bar_top();
    let length = figure.value.map(|v| v as f64 * scale);
    html! {
        g class="bar" data-qualifier=(figure.qualifier.as_str()) data-figure=(figure.id.as_str()) {
            title { (bar.actor) ": " (bar_words(bar, ctx, locale)) }
            (label(layout, bar.actor, top, colours.text))
            @match (figure.qualifier, length) {
                (_, None) => {}
                (Qualifier::MoreThan | Qualifier::AtLeast, Some(l)) => {
                    rect x=(PAD) y=(n(y)) width=(n(l)) height=(BAR_HEIGHT) fill=(colours.bar) {}
                    rect x=(n(PAD + l)) y=(n(y)) width=(RUN_ON) height=(BAR_HEIGHT)
                        fill=(format!("url(#{id}-run-on)")) {}
                    path d=(format!("M{} {}l6 {}l-6 {}", n(PAD + l + RUN_ON - 8.0), n(y + 2.0),
                        n(BAR_HEIGHT / 2.0 - 2.0), n(BAR_HEIGHT / 2.0 - 2.0)))
                        fill="none" stroke=(colours.bar) stroke-width="1.5" {}
                }
                (Qualifier::LessThan | Qualifier::UpTo, Some(l)) => {
                    rect x=(PAD) y=(n(y + 0.75)) width=(n(l)) height=(BAR_HEIGHT - 1.5)
                        fill="none" stroke=(colours.bar) stroke-width="1.5"
                        stroke-dasharray="4 3" {}
                }
                (Qualifier::Approximately, Some(l)) => {
                    rect x=(PAD) y=(n(y)) width=(n((l - 10.0).max(0.0))) height=(BAR_HEIGHT)
                        fill=(colours.bar) {}
                    rect x=(n(PAD + (l - 10.0).max(0.0))) y=(n(y)) width="20" height=(BAR_HEIGHT)
                        fill=(format!("url(#{id}-run-on)")) {}
                }
                (_, Some(l)) => {
                    rect x=(PAD) y=(n(y)) width=(n(l)) height=(BAR_HEIGHT) fill=(colours.bar) {}
                }
            }
            @if figure.value == Some(0) {
                line x1=(PAD) x2=(PAD) y1=(n(y - 2.0)) y2=(n(y + BAR_HEIGHT + 2.0))
                    stroke=(colours.bar) stroke-width="2" {}
            }
            @for (i, line) in layout.credit.iter().enumerate() {
                text x=(PAD) y=(n(y + BAR_HEIGHT + 15.0 + CREDIT_LINE * i as f64))
                    font-size=(CREDIT_SIZE) fill=(colours.muted) class="credit" { (line) }
            }
        }
    }
}

/// A coordinate to a tenth of a unit, without trailing zeros: "560", "160.5".
pub fn n(x: f64) -> String {
    let tenths = (x * 10.0).round() / 10.0;
    format!("{tenths}")
}

/// `text` broken at spaces into lines of at most `width` characters (a longer word stands
/// on a line of its own).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

/// The amount as the source put it ("more than 600,000 active personnel"), else built from
/// the number, qualifier and unit, with the number written for the reader; then the caveat
/// the source attaches, in its words ("(their condition is unknown)").
pub fn amount(figure: &ForceFigure, locale: &Locale) -> String {
    let localised = |text: &str| match figure.value {
        // The source's own wording, with its number written the reader's way.
        Some(v) => text.replace(&locale_free(v), &locale.number(v)),
        None => text.to_owned(),
    };
    let amount = match (&figure.text, figure.value) {
        (Some(text), _) => localised(text),
        (None, Some(v)) => {
            let unit = figure
                .unit
                .as_deref()
                .map(|u| format!(" {u}"))
                .unwrap_or_default();
            format!(
                "{}{}{unit}",
                qualifier_words(figure.qualifier),
                locale.number(v)
            )
        }
        (None, None) => "no number given".to_owned(),
    };
    match &figure.caveat {
        Some(caveat) => format!("{amount} ({caveat})"),
        None => amount,
    }
}

/// `n` as English sources write it ("600,000"), to find it in their wording.
fn locale_free(n: i64) -> String {
    Locale::default().number(n)
}

/// The words a qualifier adds before a number: "more than ", "about ", "" for exact.
pub fn qualifier_words(qualifier: Qualifier) -> &'static str {
    match qualifier {
        Qualifier::Exact | Qualifier::Unquantified => "",
        Qualifier::AtLeast => "at least ",
        Qualifier::MoreThan => "more than ",
        Qualifier::LessThan => "fewer than ",
        Qualifier::Approximately => "about ",
        Qualifier::UpTo => "up to ",
    }
}

/// An actor's name as the data gives it ("Pakistan", "Afghan Taliban"), else its id.
pub fn name<'a>(ctx: &'a Context, id: &'a str) -> &'a str {
    ctx.actors.get(id).map_or(id, |(name, _)| name.as_str())
}

/// Who stated the figure, for which period, as the attribution sentence says it: "according
/// to the International Institute for Strategic Studies, for 2025 (date estimated by Durand)";
/// "in the source's own voice, undated (reported by 27 February 2026)".
pub fn credit(figure: &ForceFigure, ctx: &Context, locale: &Locale) -> String {
    let who = match ctx.kind(figure.claimant.as_str()) {
        Some(ActorKind::SourceVoice) => "in the source's own voice".to_owned(),
        _ => format!("according to {}", ctx.actor(figure.claimant.as_str())),
    };
    let period = super::dates::period(&figure.as_of, locale);
    let when = match figure.as_of.first_day() {
        // An open start: the number held by the source's date, from when is not said.
        None => format!("undated (reported {period})"),
        Some(_) => format!("for {period}"),
    };
    let estimated = if figure.as_of_basis == Some(DateBasis::Estimated) {
        " (date estimated by Durand)"
    } else {
        ""
    };
    format!("{who}, {when}{estimated}")
}

/// A bar in words, for its tooltip and the chart's description.
fn bar_words(bar: &Bar, ctx: &Context, locale: &Locale) -> String {
    match bar.figure {
        Some(figure) => format!(
            "{} ({})",
            amount(figure, locale),
            credit(figure, ctx, locale)
        ),
        None => "no figure for this metric in the dataset".to_owned(),
    }
}

/// What the drawing of each qualifier means, for the qualifiers drawn in `comparisons`.
pub fn legend(comparisons: &[MetricComparison]) -> Markup {
    let has = |qualifiers: &[Qualifier]| {
        comparisons.iter().any(|c| {
            c.actors
                .iter()
                .flat_map(|a| &a.figures)
                .any(|f| f.value.is_some() && qualifiers.contains(&f.qualifier))
        })
    };
    html! {
        ul class="legend" {
            @if has(&[Qualifier::MoreThan, Qualifier::AtLeast]) {
                li { "A bar that fades out: the source says \u{201c}more than\u{201d} or \u{201c}at least\u{201d} this number, so the bar is drawn without an end." }
            }
            @if has(&[Qualifier::LessThan, Qualifier::UpTo]) {
                li { "A dashed outline: the source says \u{201c}up to\u{201d} or \u{201c}fewer than\u{201d} this number." }
            }
            @if has(&[Qualifier::Approximately]) {
                li { "A soft end: the source says \u{201c}about\u{201d} this number." }
            }
            li { "Each figure is drawn as its publisher stated it; numbers from different publishers are never merged." }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_break_at_words() {
        assert_eq!(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("short", 40), ["short"]);
    }

    #[test]
    fn coordinates_are_written_to_a_tenth() {
        assert_eq!(
            (n(560.0), n(160.533_333), n(0.04)),
            ("560".into(), "160.5".into(), "0".into())
        );
    }
}
