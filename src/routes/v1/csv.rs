//! CSV renderings of every collection: RFC 4180, UTF-8, one header row, stable column names.
//! Each record type has a row struct whose fields are its columns, in order and named as they
//! are; `csv` serialises the rows and takes the header from the field names.
//!
//! Flattening, chosen to open cleanly in a spreadsheet:
//! - one row per record, except claims: **one row per figure** (a claim without figures is one
//!   row with empty `figure_*` columns), so numbers can be filtered and summed;
//! - lists of ids or names are joined with `; ` (`about`, `sources`, `aliases`, ...);
//! - a partial date is four columns: `<name>` (as stated), `<name>_precision`,
//!   `<name>_start`/`<name>_end` (ISO dates: the days it may mean; empty on an open side:
//!   `../2016`). A month is written `2026-02-XX` (ISO 8601-2's unspecified day), not
//!   `2026-02`, which spreadsheets turn into 1 February 2026; days, years and ranges are
//!   written as stated (a spreadsheet reads a day as that day, a year as a number, a range as
//!   text);
//! - columns added after `/v1` was published come last, so existing readers keep working;
//! - incident places are parallel lists (`location_names`, `location_countries`, ...), in the
//!   same order; GeoJSON is the better format for mapping them.

use actix_web::HttpResponse;
use actix_web::http::header;
use serde::Serialize;

use crate::domain::{Actor, Claim, DatePrecision, ForceFigure, Incident, PartialDate, Source};

/// A record that can be written as CSV rows under a fixed header.
pub trait CsvRecord {
    /// One row: its fields, in order, are the columns, named as the fields are. Every cell is
    /// text already (a number as its `Display` writes it), so serialising changes nothing.
    /// `Default` gives the header of a listing with no rows.
    type Row: Serialize + Default;
    /// The record's rows (one or more).
    fn rows(&self) -> Vec<Self::Row>;
}

/// A list as one cell: its items separated by `; `.
pub fn join<T: ToString>(items: &[T]) -> String {
    cells(items, T::to_string)
}

/// A list as one cell: each item as `cell` writes it, separated by `; `.
fn cells<T>(items: &[T], cell: impl Fn(&T) -> String) -> String {
    items.iter().map(cell).collect::<Vec<_>>().join("; ")
}

fn opt<T: ToString>(v: Option<&T>) -> Option<String> {
    v.map(ToString::to_string)
}

/// An optional value as a cell: empty when there is none.
fn or_empty<T: ToString>(v: Option<&T>) -> String {
    opt(v).unwrap_or_default()
}

/// A partial date as four cells: as stated, its precision, its first and its last day.
pub fn date(d: &PartialDate) -> [String; 4] {
    // A month as stated (`2026-02`) is one a spreadsheet reads as 1 February 2026; written as
    // ISO 8601-2's unspecified day (`2026-02-XX`), it stays the month it is.
    let stated = match d.precision() {
        DatePrecision::Month => format!("{}-XX", d.value()),
        _ => d.value().to_owned(),
    };
    [
        stated,
        d.precision().as_str().to_owned(),
        or_empty(d.first_day().as_ref()),
        or_empty(d.last_day().as_ref()),
    ]
}

fn opt_date(d: Option<&PartialDate>) -> [String; 4] {
    d.map(date).unwrap_or_default()
}

/// An actor as a CSV row.
#[derive(Debug, Default, Serialize)]
pub struct ActorCsvRow {
    id: String,
    name: String,
    aliases: String,
    kind: String,
    country: Option<String>,
    founded: String,
    founded_precision: String,
    founded_start: String,
    founded_end: String,
    description: String,
    relations: String,
    sources: String,
    relation_states: String,
    places: String,
    inference: Option<String>,
}

impl CsvRecord for Actor {
    type Row = ActorCsvRow;
    fn rows(&self) -> Vec<ActorCsvRow> {
        let [founded, founded_precision, founded_start, founded_end] =
            opt_date(self.founded.as_ref());
        vec![ActorCsvRow {
            id: self.id.to_string(),
            name: self.name.clone(),
            aliases: self.aliases.join("; "),
            kind: self.kind.to_string(),
            country: self.country.as_ref().map(|c| c.as_str().to_owned()),
            founded,
            founded_precision,
            founded_start,
            founded_end,
            description: self.description.clone(),
            relations: cells(&self.relations, |r| format!("{} {}", r.kind, r.actor)),
            sources: join(self.sources.ids()),
            relation_states: cells(&self.relations, |r| or_empty(r.state.as_ref())),
            places: cells(&self.places, |p| {
                format!("{} {} ({})", p.tie, p.location.name, p.location.precision)
            }),
            inference: self.inference.clone(),
        }]
    }
}

/// A source as a CSV row.
#[derive(Debug, Default, Serialize)]
pub struct SourceCsvRow {
    id: String,
    publisher: Option<String>,
    title: String,
    kind: String,
    published: String,
    published_precision: String,
    published_start: String,
    published_end: String,
    url: Option<String>,
    cited_in: Option<String>,
    note: Option<String>,
}

impl CsvRecord for Source {
    type Row = SourceCsvRow;
    fn rows(&self) -> Vec<SourceCsvRow> {
        let [
            published,
            published_precision,
            published_start,
            published_end,
        ] = opt_date(self.published.as_ref());
        vec![SourceCsvRow {
            id: self.id.to_string(),
            publisher: self.publisher.clone(),
            title: self.title.clone(),
            kind: self.kind.to_string(),
            published,
            published_precision,
            published_start,
            published_end,
            url: self.url.clone(),
            cited_in: opt(self.cited_in.as_ref()),
            note: self.note.clone(),
        }]
    }
}

/// One figure of a claim (or a claim without figures) as a CSV row.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ClaimCsvRow {
    id: String,
    claimant: String,
    spokesperson_name: Option<String>,
    spokesperson_role: Option<String>,
    made_at: String,
    made_at_precision: String,
    made_at_start: String,
    made_at_end: String,
    kind: String,
    status: String,
    statement: String,
    quote: Option<String>,
    about: String,
    incident: Option<String>,
    contradicted_by: String,
    sources: String,
    attribution: Option<String>,
    figure_metric: Option<String>,
    figure_value: Option<String>,
    figure_qualifier: Option<String>,
    figure_unit: Option<String>,
    figure_subject: Option<String>,
    figure_text: Option<String>,
    figure_note: Option<String>,
    relayed_by: Option<String>,
    made_at_basis: Option<String>,
    inference: Option<String>,
    figure_inference: Option<String>,
}

impl CsvRecord for Claim {
    type Row = ClaimCsvRow;
    fn rows(&self) -> Vec<ClaimCsvRow> {
        let [made_at, made_at_precision, made_at_start, made_at_end] = date(&self.made_at);
        let claim = ClaimCsvRow {
            id: self.id.to_string(),
            claimant: self.claimant.to_string(),
            spokesperson_name: opt(self.spokesperson.as_ref().and_then(|s| s.name.as_ref())),
            spokesperson_role: opt(self.spokesperson.as_ref().map(|s| &s.role)),
            made_at,
            made_at_precision,
            made_at_start,
            made_at_end,
            kind: self.kind.to_string(),
            status: self.status.to_string(),
            statement: self.statement.clone(),
            quote: self.quote.clone(),
            about: join(&self.about),
            incident: opt(self.incident.as_ref()),
            contradicted_by: join(&self.contradicted_by),
            sources: join(self.sources.ids()),
            attribution: self.attribution.clone(),
            relayed_by: opt(self.relayed_by.as_ref()),
            made_at_basis: opt(self.made_at_basis.as_ref()),
            inference: self.inference.clone(),
            ..ClaimCsvRow::default()
        };
        if self.figures.is_empty() {
            return vec![claim];
        }
        self.figures
            .iter()
            .map(|f| ClaimCsvRow {
                figure_metric: Some(f.metric.clone()),
                figure_value: opt(f.value.as_ref()),
                figure_qualifier: Some(f.qualifier.to_string()),
                figure_unit: f.unit.clone(),
                figure_subject: Some(f.subject.clone()),
                figure_text: f.text.clone(),
                figure_note: f.note.clone(),
                figure_inference: f.inference.clone(),
                ..claim.clone()
            })
            .collect()
    }
}

/// An incident as a CSV row.
#[derive(Debug, Default, Serialize)]
pub struct IncidentCsvRow {
    id: String,
    title: String,
    kind: String,
    date: String,
    date_precision: String,
    date_start: String,
    date_end: String,
    date_note: Option<String>,
    actors: String,
    location_names: String,
    location_admin1: String,
    location_countries: String,
    location_lats: String,
    location_lons: String,
    location_precisions: String,
    summary: String,
    claims: String,
    sources: String,
    date_basis: Option<String>,
    location_according_to: String,
    inference: Option<String>,
}

impl CsvRecord for Incident {
    type Row = IncidentCsvRow;
    fn rows(&self) -> Vec<IncidentCsvRow> {
        let l = &self.locations;
        let [date, date_precision, date_start, date_end] = date(&self.date);
        vec![IncidentCsvRow {
            id: self.id.to_string(),
            title: self.title.clone(),
            kind: self.kind.to_string(),
            date,
            date_precision,
            date_start,
            date_end,
            date_note: self.date_note.clone(),
            actors: cells(&self.actors, |a| format!("{} ({})", a.actor, a.role)),
            location_names: cells(l, |l| l.name.clone()),
            location_admin1: cells(l, |l| l.admin1.clone().unwrap_or_default()),
            location_countries: cells(l, |l| {
                l.country
                    .as_ref()
                    .map(|c| c.as_str().to_owned())
                    .unwrap_or_default()
            }),
            location_lats: cells(l, |l| or_empty(l.lat.as_ref())),
            location_lons: cells(l, |l| or_empty(l.lon.as_ref())),
            location_precisions: cells(l, |l| l.precision.to_string()),
            summary: self.summary.clone(),
            claims: join(&self.claims),
            sources: join(self.sources.ids()),
            date_basis: opt(self.date_basis.as_ref()),
            location_according_to: cells(l, |l| or_empty(l.according_to.as_ref())),
            inference: self.inference.clone(),
        }]
    }
}

/// A force figure as a CSV row.
#[derive(Debug, Default, Serialize)]
pub struct ForceFigureCsvRow {
    id: String,
    actor: String,
    claimant: String,
    metric: String,
    value: Option<String>,
    qualifier: String,
    unit: Option<String>,
    text: Option<String>,
    as_of: String,
    as_of_precision: String,
    as_of_start: String,
    as_of_end: String,
    note: Option<String>,
    sources: String,
    attribution: Option<String>,
    caveat: Option<String>,
    as_of_basis: Option<String>,
    inference: Option<String>,
}

impl CsvRecord for ForceFigure {
    type Row = ForceFigureCsvRow;
    fn rows(&self) -> Vec<ForceFigureCsvRow> {
        let [as_of, as_of_precision, as_of_start, as_of_end] = date(&self.as_of);
        vec![ForceFigureCsvRow {
            id: self.id.to_string(),
            actor: self.actor.to_string(),
            claimant: self.claimant.to_string(),
            metric: self.metric.to_string(),
            value: opt(self.value.as_ref()),
            qualifier: self.qualifier.to_string(),
            unit: self.unit.clone(),
            text: self.text.clone(),
            as_of,
            as_of_precision,
            as_of_start,
            as_of_end,
            note: self.note.clone(),
            sources: join(self.sources.ids()),
            attribution: self.attribution.clone(),
            caveat: self.caveat.clone(),
            as_of_basis: opt(self.as_of_basis.as_ref()),
            inference: self.inference.clone(),
        }]
    }
}

/// Writes records as CSV text with the header row.
pub fn to_csv<T: CsvRecord>(records: &[T]) -> String {
    let mut out = csv_header::<T>();
    out.push_str(&csv_rows(records));
    out
}

/// The header row of `T`'s CSV: the names of its row's fields.
pub fn csv_header<T: CsvRecord>() -> String {
    // csv writes a struct's field names only before the first row it serialises; the names
    // are read back from that header so that they are written once, as the fields.
    let with_header = write_csv(true, |w| w.serialize(T::Row::default()));
    let names = csv::Reader::from_reader(with_header.as_bytes())
        .headers()
        .expect("the header csv just wrote reads back")
        .clone();
    write_csv(false, |w| w.write_record(&names))
}

/// Records as CSV rows, without the header row.
pub fn csv_rows<T: CsvRecord>(records: &[T]) -> String {
    write_csv(false, |w| {
        for r in records {
            for row in r.rows() {
                w.serialize(row)?;
            }
        }
        Ok(())
    })
}

/// What `write` writes, as CSV text; with `header`, `serialize` writes a header row first.
fn write_csv(
    header: bool,
    write: impl FnOnce(&mut csv::Writer<Vec<u8>>) -> csv::Result<()>,
) -> String {
    let mut w = csv::WriterBuilder::new()
        .has_headers(header)
        .from_writer(Vec::new());
    write(&mut w)
        .and_then(|()| w.flush().map_err(csv::Error::from))
        .expect("writing CSV to memory cannot fail");
    String::from_utf8(w.into_inner().expect("flushed")).expect("CSV of UTF-8 fields is UTF-8")
}

/// A CSV response; `name` becomes the suggested file name.
pub fn csv_response(
    body: String,
    name: &str,
    link: Option<(header::HeaderName, String)>,
) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response
        .content_type(super::format::Format::Csv.media_type())
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{name}.csv\""),
        ));
    if let Some(link) = link {
        response.insert_header(link);
    }
    response.body(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::evidence::DateBasis;

    #[test]
    fn every_row_has_as_many_fields_as_the_header() {
        let d = crate::domain::Dataset::bundled().unwrap();
        fn check<T: CsvRecord>(records: &[T]) {
            let text = to_csv(records);
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let columns = reader.headers().unwrap().len();
            for row in reader.records() {
                assert_eq!(row.unwrap().len(), columns);
            }
        }
        check(&d.actors);
        check(&d.sources);
        check(&d.claims);
        check(&d.incidents);
        check(&d.force_figures);
    }

    /// Every collection of the bundled dataset as CSV, pinned byte for byte in
    /// `tests/fixtures/csv/`: a change to a column, a cell's form or quoting shows in review.
    /// `UPDATE_SNAPSHOTS=1 cargo test --lib csv` rewrites the files.
    #[test]
    fn the_bundled_dataset_as_csv_is_pinned() {
        use crate::domain::{SearchHitType, TimelineEntryType};
        use crate::routes::v1::search::SearchHit;
        use crate::routes::v1::timeline::TimelineEntry;
        use crate::store::search::SearchHitRow;
        use crate::store::timeline::TimelineRow;
        use sqlx::types::Json;

        let d = crate::domain::Dataset::bundled().unwrap();
        let name = |id: &crate::domain::ActorId| {
            d.actors
                .iter()
                .find(|a| &a.id == id)
                .map(|a| a.name.clone())
        };
        let timeline: Vec<TimelineEntry> = d
            .incidents
            .iter()
            .map(|i| TimelineRow {
                entry_type: TimelineEntryType::Incident,
                id: i.id.to_string(),
                date: Json(i.date.clone()),
                title: i.title.clone(),
                claimant_name: None,
                kind: i.kind.to_string(),
                actors: Json(i.actors.iter().map(|a| a.actor.clone()).collect()),
                estimated: i.date_basis == Some(DateBasis::Estimated),
            })
            .chain(d.claims.iter().map(|c| {
                TimelineRow {
                    entry_type: TimelineEntryType::Claim,
                    id: c.id.to_string(),
                    date: Json(c.made_at.clone()),
                    title: c.statement.clone(),
                    claimant_name: name(&c.claimant),
                    kind: c.kind.to_string(),
                    actors: Json(
                        std::iter::once(c.claimant.clone())
                            .chain(c.about.iter().cloned())
                            .collect(),
                    ),
                    estimated: c.made_at_basis == Some(DateBasis::Estimated),
                }
            }))
            .map(TimelineEntry::from)
            .collect();
        let hit = |hit_type, id: String, title: String, claimant_name, text: &str| SearchHitRow {
            hit_type,
            id,
            rank: 0.5,
            title,
            claimant_name,
            snippet: format!("<mark>{}</mark>", text.chars().take(80).collect::<String>()),
        };
        let search: Vec<SearchHit> = d
            .actors
            .iter()
            .map(|a| {
                let (id, name) = (a.id.to_string(), a.name.clone());
                hit(SearchHitType::Actor, id, name, None, &a.description)
            })
            .chain(d.claims.iter().map(|c| {
                let (id, statement) = (c.id.to_string(), c.statement.clone());
                let claimant = name(&c.claimant);
                hit(SearchHitType::Claim, id, statement, claimant, &c.statement)
            }))
            .chain(d.incidents.iter().map(|i| {
                let (id, title) = (i.id.to_string(), i.title.clone());
                hit(SearchHitType::Incident, id, title, None, &i.summary)
            }))
            .chain(d.sources.iter().map(|s| {
                let (id, title) = (s.id.to_string(), s.title.clone());
                let note = s.note.clone().unwrap_or_default();
                hit(SearchHitType::Source, id, title, None, &note)
            }))
            .map(SearchHit::from)
            .collect();

        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/csv");
        let mut changed = Vec::new();
        for (file, generated) in [
            ("actors.csv", to_csv(&d.actors)),
            ("sources.csv", to_csv(&d.sources)),
            ("claims.csv", to_csv(&d.claims)),
            ("incidents.csv", to_csv(&d.incidents)),
            ("force-figures.csv", to_csv(&d.force_figures)),
            ("timeline.csv", to_csv(&timeline)),
            ("search.csv", to_csv(&search)),
            ("empty-claims.csv", to_csv::<Claim>(&[])),
        ] {
            let path = dir.join(file);
            if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &generated).unwrap();
            }
            if std::fs::read_to_string(&path).unwrap_or_default() != generated {
                changed.push(file);
            }
        }
        assert!(
            changed.is_empty(),
            "the CSV of {changed:?} changed; read the diff of tests/fixtures/csv/ after `UPDATE_SNAPSHOTS=1 cargo test --lib csv` and commit it if it reads right"
        );
    }
}
