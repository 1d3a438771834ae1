//! CSV renderings of every collection: RFC 4180, UTF-8, one header row, stable column names.
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

use crate::domain::{Actor, Claim, DatePrecision, ForceFigure, Incident, PartialDate, Source};

/// A record that can be written as CSV rows under a fixed header.
pub trait CsvRecord {
    /// The column names, in order.
    const HEADER: &'static [&'static str];
    /// The record's rows (one or more), each with `HEADER.len()` fields.
    fn rows(&self) -> Vec<Vec<String>>;
}

/// A list as one cell: its items separated by `; `.
pub fn join<T: ToString>(items: &[T]) -> String {
    items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn opt<T: ToString>(v: Option<&T>) -> String {
    v.map(ToString::to_string).unwrap_or_default()
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
        opt(d.first_day().as_ref()),
        opt(d.last_day().as_ref()),
    ]
}

fn opt_date(d: Option<&PartialDate>) -> [String; 4] {
    d.map(date).unwrap_or_default()
}

impl CsvRecord for Actor {
    const HEADER: &'static [&'static str] = &[
        "id",
        "name",
        "aliases",
        "kind",
        "country",
        "founded",
        "founded_precision",
        "founded_start",
        "founded_end",
        "description",
        "relations",
        "sources",
        "relation_states",
        "places",
        "inference",
    ];
    fn rows(&self) -> Vec<Vec<String>> {
        let relations: Vec<String> = self
            .relations
            .iter()
            .map(|r| format!("{} {}", r.kind, r.actor))
            .collect();
        let states: Vec<String> = self
            .relations
            .iter()
            .map(|r| opt(r.state.as_ref()))
            .collect();
        let places: Vec<String> = self
            .places
            .iter()
            .map(|p| format!("{} {} ({})", p.tie, p.location.name, p.location.precision))
            .collect();
        let mut row = vec![
            self.id.to_string(),
            self.name.clone(),
            self.aliases.join("; "),
            self.kind.to_string(),
            self.country
                .as_ref()
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
        ];
        row.extend(opt_date(self.founded.as_ref()));
        row.extend([
            self.description.clone(),
            relations.join("; "),
            join(self.sources.ids()),
            states.join("; "),
            places.join("; "),
            opt(self.inference.as_ref()),
        ]);
        vec![row]
    }
}

impl CsvRecord for Source {
    const HEADER: &'static [&'static str] = &[
        "id",
        "publisher",
        "title",
        "kind",
        "published",
        "published_precision",
        "published_start",
        "published_end",
        "url",
        "cited_in",
        "note",
    ];
    fn rows(&self) -> Vec<Vec<String>> {
        let mut row = vec![
            self.id.to_string(),
            opt(self.publisher.as_ref()),
            self.title.clone(),
            self.kind.to_string(),
        ];
        row.extend(opt_date(self.published.as_ref()));
        row.extend([
            opt(self.url.as_ref()),
            opt(self.cited_in.as_ref()),
            opt(self.note.as_ref()),
        ]);
        vec![row]
    }
}

impl CsvRecord for Claim {
    const HEADER: &'static [&'static str] = &[
        "id",
        "claimant",
        "spokesperson_name",
        "spokesperson_role",
        "made_at",
        "made_at_precision",
        "made_at_start",
        "made_at_end",
        "kind",
        "status",
        "statement",
        "quote",
        "about",
        "incident",
        "contradicted_by",
        "sources",
        "attribution",
        "figure_metric",
        "figure_value",
        "figure_qualifier",
        "figure_unit",
        "figure_subject",
        "figure_text",
        "figure_note",
        "relayed_by",
        "made_at_basis",
        "inference",
        "figure_inference",
    ];
    fn rows(&self) -> Vec<Vec<String>> {
        let mut base = vec![
            self.id.to_string(),
            self.claimant.to_string(),
            opt(self.spokesperson.as_ref().and_then(|s| s.name.as_ref())),
            opt(self.spokesperson.as_ref().map(|s| &s.role)),
        ];
        base.extend(date(&self.made_at));
        base.extend([
            self.kind.to_string(),
            self.status.to_string(),
            self.statement.clone(),
            opt(self.quote.as_ref()),
            join(&self.about),
            opt(self.incident.as_ref()),
            join(&self.contradicted_by),
            join(self.sources.ids()),
            opt(self.attribution.as_ref()),
        ]);
        let late = [
            opt(self.relayed_by.as_ref()),
            opt(self.made_at_basis.as_ref()),
            opt(self.inference.as_ref()),
        ];
        if self.figures.is_empty() {
            let mut row = base;
            row.extend(std::iter::repeat_n(String::new(), 7));
            row.extend(late);
            row.push(String::new());
            return vec![row];
        }
        self.figures
            .iter()
            .map(|f| {
                let mut row = base.clone();
                row.extend([
                    f.metric.clone(),
                    opt(f.value.as_ref()),
                    f.qualifier.to_string(),
                    opt(f.unit.as_ref()),
                    f.subject.clone(),
                    opt(f.text.as_ref()),
                    opt(f.note.as_ref()),
                ]);
                row.extend(late.clone());
                row.push(opt(f.inference.as_ref()));
                row
            })
            .collect()
    }
}

impl CsvRecord for Incident {
    const HEADER: &'static [&'static str] = &[
        "id",
        "title",
        "kind",
        "date",
        "date_precision",
        "date_start",
        "date_end",
        "date_note",
        "actors",
        "location_names",
        "location_admin1",
        "location_countries",
        "location_lats",
        "location_lons",
        "location_precisions",
        "summary",
        "claims",
        "sources",
        "date_basis",
        "location_according_to",
        "inference",
    ];
    fn rows(&self) -> Vec<Vec<String>> {
        let actors: Vec<String> = self
            .actors
            .iter()
            .map(|a| format!("{} ({})", a.actor, a.role))
            .collect();
        let l = &self.locations;
        let mut row = vec![
            self.id.to_string(),
            self.title.clone(),
            self.kind.to_string(),
        ];
        row.extend(date(&self.date));
        row.extend([
            opt(self.date_note.as_ref()),
            actors.join("; "),
            l.iter()
                .map(|l| l.name.clone())
                .collect::<Vec<_>>()
                .join("; "),
            l.iter()
                .map(|l| l.admin1.clone().unwrap_or_default())
                .collect::<Vec<_>>()
                .join("; "),
            l.iter()
                .map(|l| {
                    l.country
                        .as_ref()
                        .map(|c| c.as_str().to_owned())
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join("; "),
            l.iter()
                .map(|l| opt(l.lat.as_ref()))
                .collect::<Vec<_>>()
                .join("; "),
            l.iter()
                .map(|l| opt(l.lon.as_ref()))
                .collect::<Vec<_>>()
                .join("; "),
            join(&l.iter().map(|l| l.precision).collect::<Vec<_>>()),
            self.summary.clone(),
            join(&self.claims),
            join(self.sources.ids()),
            opt(self.date_basis.as_ref()),
            l.iter()
                .map(|l| opt(l.according_to.as_ref()))
                .collect::<Vec<_>>()
                .join("; "),
            opt(self.inference.as_ref()),
        ]);
        vec![row]
    }
}

impl CsvRecord for ForceFigure {
    const HEADER: &'static [&'static str] = &[
        "id",
        "actor",
        "claimant",
        "metric",
        "value",
        "qualifier",
        "unit",
        "text",
        "as_of",
        "as_of_precision",
        "as_of_start",
        "as_of_end",
        "note",
        "sources",
        "attribution",
        "caveat",
        "as_of_basis",
        "inference",
    ];
    fn rows(&self) -> Vec<Vec<String>> {
        let mut row = vec![
            self.id.to_string(),
            self.actor.to_string(),
            self.claimant.to_string(),
            self.metric.to_string(),
            opt(self.value.as_ref()),
            self.qualifier.to_string(),
            opt(self.unit.as_ref()),
            opt(self.text.as_ref()),
        ];
        row.extend(date(&self.as_of));
        row.extend([
            opt(self.note.as_ref()),
            join(self.sources.ids()),
            opt(self.attribution.as_ref()),
            opt(self.caveat.as_ref()),
            opt(self.as_of_basis.as_ref()),
            opt(self.inference.as_ref()),
        ]);
        vec![row]
    }
}

/// Writes records as CSV text with the header row.
pub fn to_csv<T: CsvRecord>(records: &[T]) -> String {
    let mut out = csv_header::<T>();
    out.push_str(&csv_rows(records));
    out
}

/// The header row of `T`'s CSV.
pub fn csv_header<T: CsvRecord>() -> String {
    write_csv(|w| w.write_record(T::HEADER))
}

/// Records as CSV rows, without the header row.
pub fn csv_rows<T: CsvRecord>(records: &[T]) -> String {
    write_csv(|w| {
        for r in records {
            for row in r.rows() {
                w.write_record(&row)?;
            }
        }
        Ok(())
    })
}

/// What `write` writes, as CSV text.
fn write_csv(write: impl FnOnce(&mut csv::Writer<Vec<u8>>) -> csv::Result<()>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
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

    #[test]
    fn every_row_has_as_many_fields_as_the_header() {
        let d = crate::domain::Dataset::bundled().unwrap();
        fn check<T: CsvRecord>(records: &[T]) {
            for r in records {
                for row in r.rows() {
                    assert_eq!(row.len(), T::HEADER.len());
                }
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
