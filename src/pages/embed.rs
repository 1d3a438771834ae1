//! Charts for a newsroom's CMS: a standalone SVG that carries its own attribution and source
//! line, an HTML wrapper to put in an iframe, and the snippet that embeds it.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::force_chart;
use super::theme::Theme;
use super::timeline::{self, Timeline};
use crate::domain::attribution::Context;
use crate::domain::{ForceMetric, MetricComparison, SourceId};
use crate::locale::Locale;

/// Width of an embed in CSS pixels when none is asked for, and the bounds of `width`.
pub const DEFAULT_WIDTH: u32 = 640;
pub const MIN_WIDTH: u32 = 280;
pub const MAX_WIDTH: u32 = 1600;

/// What an embed draws.
pub enum Drawing<'a> {
    /// One metric of a force comparison, with the names and sources of its credits.
    Force {
        comparison: &'a MetricComparison,
        context: &'a Context,
    },
    /// Incidents and claims on a time axis.
    Timeline(&'a Timeline),
}

impl Drawing<'_> {
    /// What the chart is called (the HTML page's title).
    fn title(&self) -> &'static str {
        match self {
            Self::Force { comparison, .. } => force_chart::metric_title(comparison.metric),
            Self::Timeline(_) => TIMELINE_TITLE,
        }
    }
}

/// What an embedded chart shows and how.
pub struct Embed<'a> {
    pub drawing: Drawing<'a>,
    pub locale: &'a Locale,
    pub theme: Theme,
    pub width: u32,
    /// The dataset version the chart was drawn from.
    pub version: i64,
}

impl Embed<'_> {
    /// The chart as a standalone SVG document, with its source line.
    pub fn svg(&self) -> String {
        let licence = licence(self.version);
        let chart = match &self.drawing {
            Drawing::Force {
                comparison,
                context,
            } => {
                let figures = comparison.actors.iter().flat_map(|a| &a.figures);
                let mut sources: Vec<SourceId> = Vec::new();
                for id in figures.flat_map(|f| f.sources.ids()) {
                    if !sources.contains(id) {
                        sources.push(id.clone());
                    }
                }
                let mut footer = Vec::new();
                if !sources.is_empty() {
                    footer.push(format!("Source: {}.", context.sources(&sources)));
                    footer.push("Figures as their publishers stated them.".to_owned());
                }
                footer.push(licence);
                force_chart::chart(
                    comparison,
                    context,
                    self.locale,
                    self.theme,
                    self.width,
                    &footer,
                    "embed",
                )
            }
            Drawing::Timeline(timeline) => {
                let footer = timeline_footer(self.version);
                timeline::chart(
                    timeline,
                    self.locale,
                    self.theme,
                    self.width,
                    &footer,
                    "embed",
                    true,
                )
            }
        };
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}",
            chart.into_string()
        )
    }

    /// The chart in a page of its own, for an iframe.
    pub fn html(&self) -> Markup {
        let colours = self.theme.colours();
        let svg = self.svg();
        let svg = svg.split_once('\n').map_or(svg.as_str(), |(_, rest)| rest);
        html! {
            (DOCTYPE)
            html lang=(self.locale.text_lang()) dir=(self.locale.dir()) {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    link rel="icon" href="data:,";
                    title { (self.drawing.title()) " — Durand" }
                    style {
                        (PreEscaped(format!(
                            "html,body{{margin:0;background:{};color:{}}}body{{font:13px system-ui,sans-serif}}a{{color:{}}}p{{margin:4px 12px}}",
                            colours.background, colours.text, colours.text
                        )))
                    }
                }
                body {
                    main {
                        (PreEscaped(svg))
                        p { a href="/" target="_blank" rel="noopener" { "Data: Durand, the Pakistan–Afghanistan conflict dataset" } }
                    }
                }
            }
        }
    }
}

/// The address of the embed of `metric` for `actors` (relative: the page's script makes it
/// absolute with the page's own origin).
pub fn address(actors: &[&str], metric: ForceMetric) -> String {
    format!(
        "/embed/force-comparison?actors={}&metric={}",
        actors.join(","),
        metric.as_str()
    )
}

/// The licence line of an embed.
fn licence(version: i64) -> String {
    format!("Durand dataset, version {version}, CC BY 4.0.")
}

/// The lines under the timeline embed: what its claims are, and the licence.
fn timeline_footer(version: i64) -> [String; 2] {
    [
        "Each claim is its claimant's statement, never a fact; each record's page names its sources.".to_owned(),
        licence(version),
    ]
}

/// The height of an iframe holding the timeline embed at its default width: the drawing and
/// the link under it.
pub fn timeline_height(timeline: &Timeline, locale: &Locale, version: i64) -> u32 {
    let drawing = timeline::height(timeline, locale, DEFAULT_WIDTH, &timeline_footer(version));
    drawing.ceil() as u32 + 40
}

/// What the timeline embed is called.
pub const TIMELINE_TITLE: &str = "Timeline of incidents and claims";

/// The address of the timeline embed (relative, as [`address`]).
pub const TIMELINE_ADDRESS: &str = "/embed/timeline";

/// A labelled, read-only box with the iframe code of a force chart, and a button to copy it.
pub fn snippet(actors: &[&str], metric: ForceMetric, id: &str) -> Markup {
    iframe_snippet(
        &address(actors, metric),
        force_chart::metric_title(metric),
        300,
        id,
    )
}

/// A labelled, read-only box with the iframe code of the chart at `address` (`height` CSS
/// pixels high), and a button to copy it.
pub fn iframe_snippet(address: &str, title: &str, height: u32, id: &str) -> Markup {
    let code = format!(
        "<iframe src=\"{address}\" title=\"{title} — Durand\" width=\"100%\" height=\"{height}\" style=\"border:0\" loading=\"lazy\"></iframe>",
    );
    html! {
        details class="embed" {
            summary { "Embed this chart" }
            label for=(id) { "HTML to paste into a page" }
            textarea id=(id) class="snippet" readonly rows="3" data-embed-snippet { (code) }
            button type="button" data-copy=(id) { "Copy" }
            " "
            a href=(address) { "Open the chart" }
        }
    }
}
