//! The bundled dataset says exactly what its source says: every evidence span occurs verbatim
//! in the source text, the committed audit is what the data generates, every attribution
//! sentence is pinned, and the rules that keep credits, points, dates and relations honest
//! refuse the mistakes release 1 made. No database needed.

use std::collections::BTreeMap;
use std::path::Path;

use durand::domain::attribution::{self, Context};
use durand::domain::audit::Corrections;
use durand::domain::{Dataset, SourceId};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data");
/// The source text lives beside the repository, in the team's shared folder.
const SOURCE_TEXT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/sources/2026-02-27-pakistan-afghanistan-war-explainer.txt"
);
const SNAPSHOT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/snapshots/attributions.txt"
);

fn dataset() -> Dataset {
    Dataset::bundled().expect("the dataset files parse")
}

fn corrections() -> Corrections {
    let text = std::fs::read_to_string(Path::new(DATA).join("corrections.json")).unwrap();
    serde_json::from_str(&text).expect("data/corrections.json parses")
}

fn problems(d: &Dataset) -> Vec<String> {
    match d.validate() {
        Ok(()) => Vec::new(),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn every_evidence_span_occurs_verbatim_in_the_source_and_nothing_lacks_evidence() {
    let Ok(text) = std::fs::read_to_string(SOURCE_TEXT) else {
        eprintln!(
            "skipped: the source text is not at {SOURCE_TEXT} (../shared/sources/ is absent)"
        );
        return;
    };
    let texts: BTreeMap<SourceId, String> =
        [(SourceId::parse("explainer-2026-02-27").unwrap(), text)].into();
    let errors = dataset().check_evidence(&texts);
    assert!(
        errors.is_empty(),
        "{}",
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn a_span_the_source_does_not_contain_or_a_record_without_evidence_is_reported() {
    let mut d = dataset();
    d.claims[0].evidence[0].span = "Pakistan won the war".into();
    d.incidents[0].evidence.clear();
    let texts: BTreeMap<SourceId, String> = [(
        SourceId::parse("explainer-2026-02-27").unwrap(),
        "a source that says little".to_owned(),
    )]
    .into();
    let errors: Vec<String> = d
        .check_evidence(&texts)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("“Pakistan won the war” does not occur verbatim")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.starts_with(&format!("incidents/{}: has no evidence", d.incidents[0].id))),
        "{errors:?}"
    );
}

#[test]
fn the_committed_audit_is_what_the_data_generates() {
    let committed = std::fs::read_to_string(Path::new(DATA).join("AUDIT.md")).unwrap_or_default();
    let generated = dataset().audit_markdown(&corrections());
    assert!(
        committed == generated,
        "data/AUDIT.md differs from what the data generates; run `cargo run -- audit > data/AUDIT.md` and commit the result"
    );
}

#[test]
fn every_correction_names_a_record_of_the_dataset_and_quotes_the_source() {
    let d = dataset();
    let records: Vec<String> = d.evidenced().into_iter().map(|i| i.record).collect();
    let text = std::fs::read_to_string(SOURCE_TEXT).ok();
    let corrections = corrections();
    assert_eq!(corrections.release, d.meta.release);
    for c in &corrections.corrections {
        assert!(
            c.record == "dataset" || records.contains(&c.record),
            "{} is not a record",
            c.record
        );
        if let Some(text) = &text {
            assert!(
                text.contains(&c.words),
                "{}: “{}” is not in the source",
                c.record,
                c.words
            );
        }
    }
}

/// Every claim's and force figure's sentence, pinned: a data or code change that alters one
/// shows in review. `UPDATE_SNAPSHOTS=1 cargo test --test source_audit` rewrites the file.
#[test]
fn every_attribution_sentence_is_pinned() {
    let d = dataset();
    let ctx = Context::from_dataset(&d);
    let mut lines: Vec<String> = d
        .claims
        .iter()
        .map(|c| format!("claims/{}\n  {}\n", c.id, attribution::for_claim(c, &ctx)))
        .collect();
    lines.extend(d.force_figures.iter().map(|f| {
        format!(
            "force-figures/{}\n  {}\n",
            f.id,
            attribution::for_force_figure(f, &ctx)
        )
    }));
    let generated = lines.join("");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(Path::new(SNAPSHOT).parent().unwrap()).unwrap();
        std::fs::write(SNAPSHOT, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    assert!(
        committed == generated,
        "an attribution sentence changed; read the diff of tests/snapshots/attributions.txt after `UPDATE_SNAPSHOTS=1 cargo test --test source_audit` and commit it if it reads right"
    );
}

fn sentence_of_claim(id: &str) -> String {
    let d = dataset();
    let ctx = Context::from_dataset(&d);
    let c = d.claims.iter().find(|c| c.id.as_str() == id).unwrap();
    attribution::for_claim(c, &ctx)
}

fn sentence_of_figure(id: &str) -> String {
    let d = dataset();
    let ctx = Context::from_dataset(&d);
    let f = d
        .force_figures
        .iter()
        .find(|f| f.id.as_str() == id)
        .unwrap();
    attribution::for_force_figure(f, &ctx)
}

#[test]
fn the_taliban_figures_are_the_sources_own_undated_words_not_iiss_2025() {
    for id in [
        "afghan-taliban-active-personnel-2025",
        "afghan-taliban-aircraft-2025",
        "afghan-taliban-helicopters-2025",
        "afghan-taliban-fighter-jets-2025",
    ] {
        let s = sentence_of_figure(id);
        assert!(
            !s.contains("International Institute") && !s.contains("2025"),
            "{id}: {s}"
        );
        assert!(s.contains("in the source's own voice"), "{id}: {s}");
        assert!(s.contains("undated"), "{id}: {s}");
    }
    assert_eq!(
        sentence_of_figure("afghan-taliban-aircraft-2025"),
        "The Afghan Taliban: at least six aircraft (their condition is unknown), stated in the source's own voice, without naming who supplied it, undated. Source: “Pakistan-Afghanistan war” (27 February 2026)."
    );
    assert_eq!(
        sentence_of_figure("pakistan-active-personnel-2025"),
        "Pakistan: more than 600,000 active personnel, according to the International Institute for Strategic Studies, for 2025 (date estimated by Durand). Source: International Institute for Strategic Studies, “2025 data”, as cited in “Pakistan-Afghanistan war” (27 February 2026)."
    );
}

#[test]
fn the_militancy_trend_is_an_unnamed_monitors_as_cited_by_reuters_undated() {
    let s = sentence_of_claim("reuters-militancy-in-pakistan-surged-since-2022");
    assert!(
        s.starts_with(
            "An unnamed conflict monitor reported this by 27 February 2026, as cited by Reuters;"
        ),
        "{s}"
    );
    assert!(!s.contains("Reuters said"), "{s}");
}

#[test]
fn unnamed_voices_and_the_sources_own_voice_are_said_to_be_exactly_that() {
    assert!(
        sentence_of_claim("analysts-expect-pakistan-to-intensify-and-kabul-to-raid")
            .starts_with("Unnamed analysts said this by 27 February 2026; an assessment")
    );
    assert!(
        sentence_of_claim("unnamed-officials-say-afghan-attack-came-first").starts_with(
            "Unnamed officials said on 27 February 2026 (date inferred from the source);"
        )
    );
    assert!(sentence_of_claim("bajaur-assault-toll").starts_with(
        "Stated in the source's own voice, without naming who supplied it, on 27 February 2026;"
    ));
    assert_eq!(
        sentence_of_claim("pakistan-links-afghan-based-militants-to-attacks"),
        "Pakistan said this by 27 February 2026, through officials (not named in the source); denied by the Afghan Taliban. Source: “Pakistan-Afghanistan war” (27 February 2026)."
    );
    assert_eq!(
        sentence_of_claim("pakistan-claims-133-taliban-killed"),
        "Pakistan said on 27 February 2026 (date inferred from the source), through Mosharraf Zaidi, a spokesman for the prime minister on foreign media; not independently verified. Source: “Pakistan-Afghanistan war” (27 February 2026)."
    );
}

#[test]
fn undated_claims_are_said_by_the_source_date_and_estimated_dates_say_so() {
    let d = dataset();
    let ctx = Context::from_dataset(&d);
    for c in &d.claims {
        let s = attribution::for_claim(c, &ctx);
        assert!(!s.contains("in February 2026"), "{}: {s}", c.id);
    }
    assert!(
        sentence_of_claim("taliban-claim-55-pakistani-soldiers-killed")
            .contains("between 21 and 27 February 2026 (date estimated by Durand)")
    );
}

#[test]
fn no_place_the_source_does_not_name_has_a_point() {
    let d = dataset();
    let clashes = d
        .incidents
        .iter()
        .find(|i| i.id.as_str() == "border-clashes-2025-10")
        .unwrap();
    assert!(clashes.locations.iter().all(|l| l.point().is_none()));
    let attacks = d
        .incidents
        .iter()
        .find(|i| i.id.as_str() == "afghan-attacks-on-pakistani-border-forces-2026-02")
        .unwrap();
    assert!(attacks.locations.iter().all(|l| l.point().is_none()));
    for l in d.incidents.iter().flat_map(|i| &i.locations) {
        assert!(
            l.point().is_none() || l.precision.allows_point(),
            "{} has a point its precision does not allow",
            l.name
        );
    }
}

#[test]
fn every_relation_says_whether_it_holds_and_none_begins_where_the_source_gives_no_start() {
    let d = dataset();
    for a in &d.actors {
        for r in &a.relations {
            assert!(r.state.is_some(), "{} → {}", a.id, r.actor);
            assert!(
                r.since.is_none(),
                "{} → {}: the source dates no start",
                a.id,
                r.actor
            );
        }
    }
    let pakistan = d
        .actors
        .iter()
        .find(|a| a.id.as_str() == "pakistan")
        .unwrap();
    let partnership = pakistan
        .relations
        .iter()
        .find(|r| r.kind.as_str() == "strategic_partnership")
        .unwrap();
    assert_eq!(partnership.state.map(|s| s.as_str()), Some("ended"));
}

#[test]
fn validate_refuses_a_point_along_a_border_a_relation_without_state_and_a_miscredited_figure() {
    let mut d = dataset();
    let clashes = d
        .incidents
        .iter_mut()
        .find(|i| i.id.as_str() == "border-clashes-2025-10")
        .unwrap();
    clashes.locations[0].lat = Some(32.3);
    clashes.locations[0].lon = Some(69.4);
    d.actors[0].relations[0].state = None;
    let taliban = d
        .force_figures
        .iter_mut()
        .find(|f| f.id.as_str() == "afghan-taliban-active-personnel-2025")
        .unwrap();
    taliban.sources =
        serde_json::from_value(serde_json::json!(["iiss-2025", "explainer-2026-02-27"])).unwrap();
    let iiss = d
        .force_figures
        .iter_mut()
        .find(|f| f.id.as_str() == "pakistan-active-personnel-2025")
        .unwrap();
    iiss.sources = serde_json::from_value(serde_json::json!(["explainer-2026-02-27"])).unwrap();
    let found = problems(&d);
    for expected in [
        "incidents/border-clashes-2025-10/locations/0/lat: a place of precision `border` has no point",
        "/relations/0/state: `state` is required",
        "force-figures/afghan-taliban-active-personnel-2025/claimant: cites `iiss-2025`, which is `iiss`'s, but credits `press-reports`",
        "force-figures/pakistan-active-personnel-2025/claimant: is credited to `iiss` but cites none of its sources",
    ] {
        assert!(
            found.iter().any(|p| p.contains(expected)),
            "missing {expected:?} in {found:#?}"
        );
    }
}

#[test]
fn an_estimated_date_needs_an_inference_and_every_date_a_basis() {
    let mut d = dataset();
    let bajaur = d
        .incidents
        .iter_mut()
        .find(|i| i.id.as_str() == "bajaur-assault-2026")
        .unwrap();
    bajaur.inference = None;
    d.claims[0].made_at_basis = None;
    let found = problems(&d);
    assert!(
        found
            .iter()
            .any(|p| p.contains("bajaur-assault-2026/inference: `date_basis` is `estimated`")),
        "{found:#?}"
    );
    assert!(
        found
            .iter()
            .any(|p| p.contains("`made_at_basis` is required")),
        "{found:#?}"
    );
}

#[test]
fn the_offensive_known_only_by_its_end_is_open_before_2016() {
    let d = dataset();
    let offensive = d
        .incidents
        .iter()
        .find(|i| i.id.as_str() == "pakistan-offensive-against-ttp-ended-2016")
        .unwrap();
    assert_eq!(offensive.date.value(), "../2016");
    assert_eq!(offensive.date.first_day(), None);
}
