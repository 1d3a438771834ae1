//! Incidents and claims on a time axis, drawn as SVG from the API's own timeline read.
//!
//! A date is drawn as precisely as the source gave it, never more: a day is a dot; a month, a
//! year or a range of days is a bar covering every day it may mean (from the first day of its
//! start to the last day of its end), which says where the event lies, not how long it lasted;
//! a date known only by one end ("by 2016", "since 2022") is a bar that fades out towards the
//! unknown side, with an arrow at the axis's edge. Incidents are filled, claims outlined (a
//! claim is its claimant's statement, dated when it was made). Each entry is labelled with its
//! date in words and its title (a claim's names its claimant), and links to its record's page.
//!
//! The drawing is bounded: [`Timeline`] holds at most a fixed number of entries, and says how
//! many the timeline has.

use chrono::{Datelike, NaiveDate};
use maud::{Markup, html};

use super::dates;
use super::force_chart::{n, wrap};
use super::theme::Theme;
use crate::domain::{DatePrecision, PartialDate, TimelineEntryType};
use crate::locale::Locale;
use crate::store::timeline::TimelineRow;

/// Left and right margin, and the room beyond each end of the axis for an open side's arrow.
const PAD: f64 = 12.0;
const EDGE: f64 = 10.0;
/// Vertical layout: the title's lines, the axis this far under the last (its labels above
/// it), then one row per entry.
const TITLE_SIZE: f64 = 15.0;
const TITLE_LINE: f64 = 19.0;
const TITLE_TO_AXIS: f64 = 32.0;
const AXIS_TO_ROWS: f64 = 10.0;
/// One row: up to `MAX_LINES` label lines, then the mark.
const LINE: f64 = 15.0;
const LABEL_SIZE: f64 = 12.0;
const MAX_LINES: usize = 2;
const MARK_HEIGHT: f64 = 10.0;
const MARK_ROOM: f64 = 18.0;
/// A day's tick: its height and width (narrower than any bar).
const TICK: f64 = 16.0;
const TICK_WIDTH: f64 = 1.5;
/// The smallest width a bar is drawn at, so that a short span stays visible (and wider than
/// a tick).
const MIN_SPAN: f64 = 3.0;
/// The legend and footer lines.
const SMALL_SIZE: f64 = 11.0;
const SMALL_LINE: f64 = 15.0;
/// Year labels are at least this far apart (user units).
const YEAR_LABEL_ROOM: f64 = 40.0;

/// How wide, in user units, a character of `size` is on average (system sans-serif, with
/// room for bold and wide fonts).
fn char_width(size: f64) -> f64 {
    0.6 * size
}

/// What a timeline drawing shows.
pub struct Timeline {
    /// The entries drawn, in timeline order: at most the drawing's bound, always the
    /// earliest and the latest dated entry.
    pub entries: Vec<TimelineRow>,
    /// How many entries the timeline holds, counted no further than `cap + 1`.
    pub total: i64,
    /// Above this, the total is said as "more than `cap`".
    pub cap: i64,
    /// The actor the timeline is limited to (its name), if any.
    pub actor: Option<String>,
}

impl Timeline {
    /// How many entries are left out (at least; `None`: none).
    fn left_out(&self) -> Option<i64> {
        let shown = self.entries.len() as i64;
        (self.total > shown).then_some(self.total - shown)
    }

    /// In words, how many entries are drawn of how many: "All 38 incidents and claims are
    /// drawn.", "60 of 1,234 incidents and claims are drawn: the earliest, the latest and the
    /// newest."
    pub fn shown(&self, locale: &Locale) -> String {
        let shown = self.entries.len() as i64;
        let what = "incidents and claims";
        match self.left_out() {
            None if shown == 0 => "No incident or claim to draw.".to_owned(),
            None if shown == 1 => "The one incident or claim is drawn.".to_owned(),
            None => format!("All {} {what} are drawn.", locale.number(shown)),
            Some(_) => {
                let total = if self.total > self.cap {
                    format!("more than {}", locale.number(self.cap))
                } else {
                    locale.number(self.total)
                };
                format!(
                    "{} of {total} {what} are drawn: the earliest, the latest and the newest.",
                    locale.number(shown)
                )
            }
        }
    }
}

/// The time axis: from the first day to the last day any drawn entry may mean (its known
/// sides), mapped onto `x0..x1`. A day takes `1 / days` of the width: its first instant is at
/// [`Axis::x`], its last at [`Axis::after`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub x0: f64,
    pub x1: f64,
}

impl Axis {
    /// The axis for `dates` between `x0` and `x1`; `None` when no date has a known side.
    pub fn new<'a>(
        dates: impl IntoIterator<Item = &'a PartialDate>,
        x0: f64,
        x1: f64,
    ) -> Option<Self> {
        let mut range: Option<(NaiveDate, NaiveDate)> = None;
        for date in dates {
            for day in [date.first_day(), date.last_day()].into_iter().flatten() {
                range = Some(match range {
                    None => (day, day),
                    Some((a, b)) => (a.min(day), b.max(day)),
                });
            }
        }
        range.map(|(first, last)| Self {
            first,
            last,
            x0,
            x1,
        })
    }

    /// How many days the axis spans (both ends included).
    pub fn days(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }

    /// User units per day.
    pub fn scale(&self) -> f64 {
        (self.x1 - self.x0) / self.days() as f64
    }

    /// Where `day` begins.
    pub fn x(&self, day: NaiveDate) -> f64 {
        self.x0 + (day - self.first).num_days() as f64 * self.scale()
    }

    /// Where `day` ends.
    pub fn after(&self, day: NaiveDate) -> f64 {
        self.x(day) + self.scale()
    }
}

/// How one date is drawn on an axis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mark {
    /// A day: a tick at the middle of the day.
    Point { x: f64 },
    /// A month, a year or a closed range: a bar over every day the date may mean.
    Span { x: f64, width: f64 },
    /// Known only by its end (`../b`): a bar from the axis's start, fading towards it.
    OpenStart { to: f64 },
    /// Known only by its start (`a/..`): a bar to the axis's end, fading towards it.
    OpenEnd { from: f64 },
}

impl Mark {
    /// The mark of `date` on `axis`.
    pub fn of(date: &PartialDate, axis: &Axis) -> Self {
        match (date.precision(), date.first_day(), date.last_day()) {
            (DatePrecision::Day, Some(day), _) => Self::Point {
                x: axis.x(day) + axis.scale() / 2.0,
            },
            (_, Some(first), Some(last)) => Self::Span {
                x: axis.x(first),
                width: axis.after(last) - axis.x(first),
            },
            (_, None, Some(last)) => Self::OpenStart {
                to: axis.after(last),
            },
            (_, Some(first), None) => Self::OpenEnd {
                from: axis.x(first),
            },
            // A date has at least one known side.
            (_, None, None) => Self::OpenStart { to: axis.x0 },
        }
    }

    /// Its name, for `data-mark`.
    fn as_str(self) -> &'static str {
        match self {
            Self::Point { .. } => "point",
            Self::Span { .. } => "span",
            Self::OpenStart { .. } => "open-start",
            Self::OpenEnd { .. } => "open-end",
        }
    }
}

/// The period the drawn entries cover, each end as precise as the date it comes from ("2012 –
/// 27 February 2026"), never a day the sources did not give: where an entry's start (or end) is
/// not known, the period has no start (or end) either ("up to 27 February 2026", "from 2022").
fn period(entries: &[TimelineRow], locale: &Locale) -> Option<String> {
    let dates = || entries.iter().map(|e| &e.date.0);
    let open_start = dates().any(|d| d.first_day().is_none());
    let open_end = dates().any(|d| d.last_day().is_none());
    let first = dates()
        .filter_map(|d| d.first_day().map(|day| (day, dates::start(d))))
        .min_by_key(|(day, _)| *day)
        .filter(|_| !open_start);
    let last = dates()
        .filter_map(|d| d.last_day().map(|day| (day, dates::end(d))))
        .max_by_key(|(day, _)| *day)
        .filter(|_| !open_end);
    let words = |side: &str| dates::side_in_words(side, locale);
    Some(match (first, last) {
        // One date alone ("October 2025") is written once.
        (Some((_, a)), Some((_, b))) if a == b => words(a),
        (Some((_, a)), Some((_, b))) => format!("{} – {}", words(a), words(b)),
        (None, Some((_, b))) => format!("up to {}", words(b)),
        (Some((_, a)), None) => format!("from {}", words(a)),
        (None, None) => return None,
    })
}

/// The years whose first day is on the axis, every `step` years so that their labels have
/// room; the first year's label too when the axis starts inside it and there is room.
fn year_ticks(axis: &Axis) -> (Vec<i32>, i32) {
    let per_year = axis.scale() * 365.25;
    let step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000]
        .into_iter()
        .find(|s| f64::from(*s) * per_year >= YEAR_LABEL_ROOM)
        .unwrap_or(10_000);
    let years = (axis.first.year() + 1..=axis.last.year())
        .filter(|y| y % step == 0)
        .collect();
    (years, step)
}

/// The first day of `year`.
fn new_year(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// `text` in at most `lines` lines of at most `width` characters, broken at spaces; the last
/// line ends with "…" when text is left out. Returns the lines and whether any was cut.
fn fit(text: &str, width: usize, lines: usize) -> (Vec<String>, bool) {
    let width = width.max(8);
    let mut all = wrap(text, width);
    let mut cut = all.len() > lines;
    all.truncate(lines);
    for line in &mut all {
        if line.chars().count() > width {
            *line = line.chars().take(width).collect();
            cut = true;
        }
    }
    if cut && let Some(last) = all.last_mut() {
        // Whole words, with room for the ellipsis; a word too long for a line is cut.
        let mut keep = last.as_str();
        while keep.chars().count() >= width {
            match keep.rsplit_once(' ') {
                Some((head, _)) => keep = head,
                None => break,
            }
        }
        let keep: String = keep.chars().take(width - 1).collect();
        *last = format!("{}…", keep.trim_end_matches([' ', ',', ';', ':', '.']));
    }
    (all, cut)
}

/// An entry's label in words: its date as precise as the source, then its title (a claim's
/// names its claimant: "Pakistan: ...").
fn label(entry: &TimelineRow, locale: &Locale) -> (String, String) {
    let date = dates::period(&entry.date.0, locale);
    let date = if entry.estimated {
        format!("{date} (date estimated by Durand)")
    } else {
        date
    };
    let text = match entry.entry_type {
        TimelineEntryType::Incident => format!("{date} — {}", entry.heading()),
        TimelineEntryType::Claim => format!("{date}, claim — {}", entry.heading()),
    };
    (date, text)
}

/// The address of an entry's page: `/claims/{id}`, `/incidents/{id}`.
pub fn page_of(entry: &TimelineRow) -> String {
    format!("/{}/{}", entry.entry_type.collection(), entry.id)
}

/// One entry laid out: its label lines and the row's height.
struct Row<'a> {
    entry: &'a TimelineRow,
    date: String,
    text: String,
    lines: Vec<String>,
    top: f64,
}

impl Row<'_> {
    fn height(&self) -> f64 {
        LINE * self.lines.len() as f64 + MARK_ROOM
    }
    fn mark_y(&self) -> f64 {
        self.top + LINE * self.lines.len() as f64 + MARK_ROOM / 2.0 - 2.0
    }
}

/// Where everything goes in a drawing `width` units wide.
struct Layout<'a> {
    width: f64,
    /// The title, in lines, and where the axis line is under it.
    title: String,
    title_lines: Vec<String>,
    axis_y: f64,
    axis: Option<Axis>,
    rows: Vec<Row<'a>>,
    /// The bottom of the last row.
    rows_end: f64,
    /// Each legend item: its index, its first line's baseline, its lines.
    legend: Vec<(usize, f64, Vec<String>)>,
    /// How many entries are drawn, then the footer, in lines.
    notes: Vec<String>,
    notes_top: f64,
    height: f64,
}

fn layout<'a>(
    timeline: &'a Timeline,
    locale: &Locale,
    width: u32,
    footer: &[String],
) -> Layout<'a> {
    let width = f64::from(width);
    let per_line = ((width - 2.0 * PAD) / char_width(LABEL_SIZE)) as usize;
    let small_per_line = ((width - 2.0 * PAD) / char_width(SMALL_SIZE)) as usize;
    let axis = Axis::new(
        timeline.entries.iter().map(|e| &e.date.0),
        PAD + EDGE,
        width - PAD - EDGE,
    );
    let of = timeline
        .actor
        .as_ref()
        .map(|a| format!(" involving {a}"))
        .unwrap_or_default();
    let title = match period(&timeline.entries, locale) {
        Some(period) => format!("Incidents and claims{of}, {period}"),
        None => format!("Incidents and claims{of}"),
    };
    let title_lines = wrap(
        &title,
        ((width - 2.0 * PAD) / char_width(TITLE_SIZE)) as usize,
    );
    let axis_y = 22.0 + TITLE_LINE * (title_lines.len() as f64 - 1.0) + TITLE_TO_AXIS;
    let mut top = axis_y + AXIS_TO_ROWS;
    let rows: Vec<Row> = timeline
        .entries
        .iter()
        .map(|entry| {
            let (date, text) = label(entry, locale);
            let (lines, _) = fit(&text, per_line, MAX_LINES);
            let row = Row {
                entry,
                date,
                text,
                lines,
                top,
            };
            top += row.height();
            row
        })
        .collect();
    // Nothing to draw is said where the axis would be.
    let rows_end = if rows.is_empty() { top + LINE } else { top };
    // The legend: each item's sample and text lines, one under the other.
    let mut legend = Vec::new();
    let mut y = rows_end + 14.0;
    for (i, text) in legend_items().iter().enumerate() {
        let lines = wrap(text, small_per_line.saturating_sub(5).max(8));
        let next = y + SMALL_LINE * lines.len() as f64;
        legend.push((i, y, lines));
        y = next;
    }
    let mut notes: Vec<String> = wrap(&timeline.shown(locale), small_per_line);
    if timeline.left_out().is_some() {
        notes.extend(wrap("The API has them all: /v1/timeline.", small_per_line));
    }
    notes.extend(footer.iter().flat_map(|l| wrap(l, small_per_line)));
    let notes_top = y + 6.0;
    let height = notes_top + SMALL_LINE * notes.len() as f64 + 6.0;
    Layout {
        width,
        title,
        title_lines,
        axis_y,
        axis,
        rows,
        rows_end,
        legend,
        notes,
        notes_top,
        height,
    }
}

/// The height of [`chart`]'s drawing at `width` (user units, as CSS pixels at that width).
pub fn height(timeline: &Timeline, locale: &Locale, width: u32, footer: &[String]) -> f64 {
    layout(timeline, locale, width, footer).height
}

/// The timeline `width` user units wide (the SVG scales to its container), with its legend,
/// how many entries it draws of how many, and `footer` lines (an embed's source line). `id`
/// makes its element ids unique on a page; links open in a new tab when `framed` (an embed).
pub fn chart(
    timeline: &Timeline,
    locale: &Locale,
    theme: Theme,
    width: u32,
    footer: &[String],
    id: &str,
    framed: bool,
) -> Markup {
    let colours = theme.colours();
    let Layout {
        width,
        title,
        title_lines,
        axis_y,
        axis,
        rows,
        rows_end,
        legend,
        notes,
        notes_top,
        height,
    } = layout(timeline, locale, width, footer);
    let description = format!(
        "{} Each is drawn as precisely as it is known (a date Durand estimated says so) and links to its record.",
        timeline.shown(locale)
    );
    let gradient = |suffix: &str, from: &str, to: &str| {
        html! {
            linearGradient id=(format!("{id}-{suffix}")) x1="0" x2="1" y1="0" y2="0" {
                stop offset="0" stop-color=(colours.bar) stop-opacity=(from) {}
                stop offset="1" stop-color=(colours.bar) stop-opacity=(to) {}
            }
        }
    };
    let bottom = rows_end - 4.0;
    html! {
        svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="group"
            viewBox=(format!("0 0 {} {}", n(width), n(height))) width="100%"
            aria-labelledby=(format!("{id}-title")) aria-describedby=(format!("{id}-desc"))
            style=(format!("max-width:{}px;height:auto;font-family:system-ui,sans-serif", n(width))) {
            title id=(format!("{id}-title")) { (title) }
            desc id=(format!("{id}-desc")) { (description) }
            defs {
                (gradient("open-start", "0", "1"))
                (gradient("open-end", "1", "0"))
            }
            rect width="100%" height="100%" fill=(colours.background) {}
            @for (i, line) in title_lines.iter().enumerate() {
                text x=(PAD) y=(n(22.0 + TITLE_LINE * i as f64)) font-size=(TITLE_SIZE) font-weight="600"
                    fill=(colours.text) aria-hidden="true" { (line) }
            }
            @if let Some(axis) = &axis {
                (axis_markup(axis, axis_y, bottom, theme))
            } @else {
                text x=(PAD) y=(n(axis_y)) font-size="13" fill=(colours.text) {
                    "No incident or claim to draw."
                }
            }
            @if let Some(axis) = &axis {
                @for row in &rows {
                    (entry_markup(row, axis, theme, id, framed))
                }
            }
            g class="legend" {
                @for (i, y, lines) in &legend {
                    (legend_sample(*i, PAD, *y - 4.0, theme, id))
                    @for (j, text) in lines.iter().enumerate() {
                        text x=(n(PAD + 30.0)) y=(n(*y + SMALL_LINE * j as f64)) font-size=(SMALL_SIZE)
                            fill=(colours.muted) { (text) }
                    }
                }
            }
            @for (i, text) in notes.iter().enumerate() {
                text x=(PAD) y=(n(notes_top + SMALL_LINE * (i as f64 + 0.75))) font-size=(SMALL_SIZE)
                    fill=(colours.muted) class="source-line" { (text) }
            }
        }
    }
}

/// The axis line at `axis_y`, its year ticks and labels, and faint year lines down to
/// `bottom`.
fn axis_markup(axis: &Axis, axis_y: f64, bottom: f64, theme: Theme) -> Markup {
    let colours = theme.colours();
    let (years, step) = year_ticks(axis);
    // The year the axis starts in is named at its start when its first tick is far enough;
    // the others are centred on their ticks (at least `YEAR_LABEL_ROOM` apart), and the
    // margin beyond the axis's end leaves room for the last.
    let first_label = years
        .first()
        .is_none_or(|y| axis.x(new_year(*y)) - axis.x0 >= 1.5 * YEAR_LABEL_ROOM)
        .then_some(axis.first.year());
    html! {
        g class="axis" aria-hidden="true" data-first=(axis.first.to_string())
            data-last=(axis.last.to_string()) data-x0=(n(axis.x0)) data-x1=(n(axis.x1))
            data-step=(step) {
            line x1=(n(axis.x0)) x2=(n(axis.x1)) y1=(axis_y) y2=(axis_y) stroke=(colours.muted) stroke-width="1" {}
            line x1=(n(axis.x0)) x2=(n(axis.x0)) y1=(n(axis_y - 5.0)) y2=(n(axis_y + 5.0)) stroke=(colours.muted) {}
            line x1=(n(axis.x1)) x2=(n(axis.x1)) y1=(n(axis_y - 5.0)) y2=(n(axis_y + 5.0)) stroke=(colours.muted) {}
            @if let Some(year) = first_label {
                text x=(n(axis.x0)) y=(n(axis_y - 8.0)) font-size=(SMALL_SIZE) fill=(colours.muted) { (year) }
            }
            @for year in &years {
                @let x = axis.x(new_year(*year));
                line class="year" x1=(n(x)) x2=(n(x)) y1=(n(axis_y - 4.0)) y2=(n(bottom))
                    stroke=(colours.muted) stroke-opacity="0.25" {}
                line x1=(n(x)) x2=(n(x)) y1=(n(axis_y - 4.0)) y2=(n(axis_y + 4.0)) stroke=(colours.muted) {}
                text x=(n(x)) y=(n(axis_y - 8.0)) font-size=(SMALL_SIZE) fill=(colours.muted)
                    text-anchor="middle" { (year) }
            }
        }
    }
}

/// One entry: a link to its record, with its label and its mark.
fn entry_markup(row: &Row, axis: &Axis, theme: Theme, id: &str, framed: bool) -> Markup {
    let colours = theme.colours();
    let entry = row.entry;
    let mark = Mark::of(&entry.date.0, axis);
    let y = row.mark_y();
    let claim = entry.entry_type == TimelineEntryType::Claim;
    // Incidents are filled; a claim is outlined.
    let (fill, stroke) = if claim {
        (colours.background, colours.bar)
    } else {
        (colours.bar, colours.bar)
    };
    html! {
        a href=(page_of(entry)) class="entry" data-entry=(format!("{}/{}", entry.entry_type.as_str(), entry.id))
            data-precision=(entry.date.0.precision().as_str()) data-mark=(mark.as_str())
            target=[framed.then_some("_blank")] rel=[framed.then_some("noopener")] {
            title { (row.text) }
            text y=(n(row.top + LINE - 3.0)) font-size=(LABEL_SIZE) fill=(colours.text) {
                @for (i, line) in row.lines.iter().enumerate() {
                    tspan x=(PAD) dy=(if i == 0 { "0".to_owned() } else { n(LINE) }) {
                        @match line.strip_prefix(row.date.as_str()) {
                            Some(rest) if i == 0 => { tspan font-weight="600" { (row.date) } (rest) }
                            _ => { (line) }
                        }
                    }
                }
            }
            g opacity=[entry.estimated.then_some("0.5")] data-estimated=[entry.estimated.then_some("true")] {
                (mark_markup(mark, axis, y, fill, stroke, claim, id))
            }
        }
    }
}

/// A mark centred on `y`.
fn mark_markup(
    mark: Mark,
    axis: &Axis,
    y: f64,
    fill: &str,
    stroke: &str,
    claim: bool,
    id: &str,
) -> Markup {
    let top = y - MARK_HEIGHT / 2.0;
    let open = |suffix: &str| format!("url(#{id}-{suffix})");
    html! {
        @match mark {
            Mark::Point { x } => {
                line class="mark" x1=(n(x)) x2=(n(x)) y1=(n(y - TICK / 2.0)) y2=(n(y + TICK / 2.0))
                    stroke=(stroke) stroke-width=(TICK_WIDTH)
                    stroke-dasharray=[claim.then_some("2 1.5")] {}
            }
            Mark::Span { x, width } => {
                @let (x, width) = widened(x, width);
                rect class="mark" x=(n(x)) y=(n(top)) width=(n(width)) height=(MARK_HEIGHT)
                    fill=(fill) stroke=(stroke) stroke-width=(if claim { "1.5" } else { "0" }) {}
            }
            Mark::OpenStart { to } => {
                @let width = (to - axis.x0).max(MIN_SPAN);
                rect class="mark" x=(n(axis.x0)) y=(n(top)) width=(n(width)) height=(MARK_HEIGHT)
                    fill=(if claim { fill.to_owned() } else { open("open-start") })
                    stroke=(if claim { open("open-start") } else { "none".to_owned() }) stroke-width="1.5" {}
                path d=(format!("M{} {}l-6 5l6 5", n(axis.x0 - 2.0), n(top))) fill="none" stroke=(stroke) stroke-width="1.5" {}
            }
            Mark::OpenEnd { from } => {
                @let width = (axis.x1 - from).max(MIN_SPAN);
                rect class="mark" x=(n(from)) y=(n(top)) width=(n(width)) height=(MARK_HEIGHT)
                    fill=(if claim { fill.to_owned() } else { open("open-end") })
                    stroke=(if claim { open("open-end") } else { "none".to_owned() }) stroke-width="1.5" {}
                path d=(format!("M{} {}l6 5l-6 5", n(axis.x1 + 2.0), n(top))) fill="none" stroke=(stroke) stroke-width="1.5" {}
            }
        }
    }
}

/// A span at least [`MIN_SPAN`] wide, about the same middle.
fn widened(x: f64, width: f64) -> (f64, f64) {
    if width >= MIN_SPAN {
        (x, width)
    } else {
        (x + width / 2.0 - MIN_SPAN / 2.0, MIN_SPAN)
    }
}

/// What each way of drawing means, in the order of [`legend_sample`].
fn legend_items() -> [&'static str; 5] {
    [
        "A tick: a date known to the day.",
        "A bar: a month, a year or a range of days; it covers every day the date may mean, not how long something lasted.",
        "A bar fading to an arrow: only one end is known (\u{201c}by …\u{201d}, \u{201c}since …\u{201d}).",
        "Outlined (a dashed tick for a day): a claim, its claimant's statement, dated when it was made. Filled: an incident.",
        "Paler: a date with a bound Durand estimated, which the source does not give; its label says so.",
    ]
}

/// The sample drawn beside legend item `i`, whose first line's baseline is `y + 4`.
fn legend_sample(i: usize, x: f64, y: f64, theme: Theme, id: &str) -> Markup {
    let c = theme.colours();
    let top = y - MARK_HEIGHT / 2.0 + 1.0;
    html! {
        g aria-hidden="true" {
            @match i {
                0 => {
                    line x1=(n(x + 10.0)) x2=(n(x + 10.0)) y1=(n(y + 1.0 - TICK / 2.0)) y2=(n(y + 1.0 + TICK / 2.0))
                        stroke=(c.bar) stroke-width=(TICK_WIDTH) {}
                }
                1 => { rect x=(n(x)) y=(n(top)) width="22" height=(MARK_HEIGHT) fill=(c.bar) {} }
                2 => {
                    rect x=(n(x + 4.0)) y=(n(top)) width="20" height=(MARK_HEIGHT) fill=(format!("url(#{id}-open-start)")) {}
                    path d=(format!("M{} {}l-6 5l6 5", n(x + 6.0), n(top))) fill="none" stroke=(c.bar) stroke-width="1.5" {}
                }
                3 => {
                    rect x=(n(x + 0.75)) y=(n(top)) width="20" height=(MARK_HEIGHT) fill=(c.background) stroke=(c.bar) stroke-width="1.5" {}
                }
                _ => { rect x=(n(x)) y=(n(top)) width="22" height=(MARK_HEIGHT) fill=(c.bar) opacity="0.5" {} }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(value: &str) -> PartialDate {
        PartialDate::parse(value).unwrap()
    }

    fn day(value: &str) -> NaiveDate {
        value.parse().unwrap()
    }

    /// 2012-01-01 to 2026-02-27 over 0..1000.
    fn axis() -> Axis {
        Axis::new(&[date("2012"), date("2026-02-27")], 0.0, 1000.0).unwrap()
    }

    #[test]
    fn the_axis_runs_from_the_first_day_of_the_earliest_date_to_the_last_of_the_latest() {
        let axis = Axis::new(
            &[
                date("2025-10"),
                date("../2016"),
                date("2012"),
                date("2022/.."),
            ],
            10.0,
            110.0,
        )
        .unwrap();
        assert_eq!(
            (axis.first, axis.last),
            (day("2012-01-01"), day("2025-10-31"))
        );
        assert_eq!(axis.x(axis.first), 10.0);
        assert!((axis.after(axis.last) - 110.0).abs() < 1e-9);
        assert_eq!(Axis::new(std::iter::empty(), 0.0, 1.0), None);
    }

    #[test]
    fn a_date_maps_to_its_share_of_the_axis() {
        let axis = axis();
        let days = (day("2026-02-27") - day("2012-01-01")).num_days() + 1;
        assert_eq!(axis.days(), days);
        let scale = 1000.0 / days as f64;
        let x = axis.x(day("2025-10-01"));
        assert!(
            (x - (day("2025-10-01") - day("2012-01-01")).num_days() as f64 * scale).abs() < 1e-9
        );
        // Later days are further right, by a day's width each.
        assert!((axis.x(day("2025-10-02")) - x - scale).abs() < 1e-9);
        assert!((axis.after(day("2025-10-01")) - axis.x(day("2025-10-02"))).abs() < 1e-9);
    }

    #[test]
    fn precision_is_drawn() {
        let axis = axis();
        let scale = axis.scale();
        // A day is a point (a tick) in the middle of the day.
        assert_eq!(
            Mark::of(&date("2026-02-21"), &axis),
            Mark::Point {
                x: axis.x(day("2026-02-21")) + scale / 2.0
            }
        );
        // A month covers its 31 days, a year its 365, a range from the first day of its
        // start to the last day of its end.
        let Mark::Span { x, width } = Mark::of(&date("2025-10"), &axis) else {
            panic!("a month is a span")
        };
        assert_eq!(x, axis.x(day("2025-10-01")));
        assert!((width - 31.0 * scale).abs() < 1e-9);
        let Mark::Span { width, .. } = Mark::of(&date("2021"), &axis) else {
            panic!("a year is a span")
        };
        assert!((width - 365.0 * scale).abs() < 1e-9);
        let Mark::Span { x, width } = Mark::of(&date("2025-10/2026-02-27"), &axis) else {
            panic!("a range is a span")
        };
        assert_eq!(x, axis.x(day("2025-10-01")));
        assert!((x + width - axis.x1).abs() < 1e-9);
        // Open sides run to the axis's edge.
        assert_eq!(
            Mark::of(&date("../2016"), &axis),
            Mark::OpenStart {
                to: axis.after(day("2016-12-31"))
            }
        );
        assert_eq!(
            Mark::of(&date("2022-03/.."), &axis),
            Mark::OpenEnd {
                from: axis.x(day("2022-03-01"))
            }
        );
    }

    #[test]
    fn year_ticks_thin_out_on_a_long_axis() {
        let (years, step) = year_ticks(&axis());
        assert_eq!(step, 1);
        assert_eq!(years.first(), Some(&2013));
        assert_eq!(years.last(), Some(&2026));
        let long = Axis::new(&[date("1001"), date("2026")], 0.0, 600.0).unwrap();
        let (years, step) = year_ticks(&long);
        assert_eq!(step, 100);
        assert!(years.iter().all(|y| y % 100 == 0));
    }

    #[test]
    fn a_label_too_long_for_two_lines_is_cut_with_an_ellipsis() {
        let (lines, cut) = fit("one two three four five six", 9, 2);
        assert_eq!(lines, ["one two", "three…"]);
        assert!(cut);
        // Cut at a word, with room for the ellipsis.
        let (lines, _) = fit("aaaa bbbb cccc dddd", 9, 1);
        assert_eq!(lines, ["aaaa…"]);
        let (lines, cut) = fit("short", 40, 2);
        assert_eq!((lines, cut), (vec!["short".to_owned()], false));
        let (lines, cut) = fit("averyveryverylongword", 10, 2);
        assert_eq!(lines, ["averyvery…"]);
        assert!(cut);
    }
}
