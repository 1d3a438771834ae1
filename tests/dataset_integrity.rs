//! The bundled dataset obeys every rule: references resolve, every figure has a claimant and
//! a source, contradictions are mutual, every source is used. No database needed.

use durand::domain::{ClaimId, Dataset, Qualifier};

fn dataset() -> Dataset {
    Dataset::bundled().expect("the dataset files parse")
}

#[test]
fn the_bundled_dataset_passes_every_integrity_rule() {
    if let Err(errors) = dataset().validate() {
        panic!(
            "{} problem(s):\n{}",
            errors.len(),
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

#[test]
fn the_files_in_data_are_the_bundled_ones() {
    let on_disk = Dataset::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data"
    )))
    .unwrap();
    assert_eq!(on_disk, dataset());
}

#[test]
fn every_figure_has_a_claimant_and_a_source() {
    let d = dataset();
    let actors: Vec<&str> = d.actors.iter().map(|a| a.id.as_str()).collect();
    for c in d.claims.iter().filter(|c| !c.figures.is_empty()) {
        assert!(actors.contains(&c.claimant.as_str()), "{}", c.id);
        assert!(!c.sources.ids().is_empty(), "{}", c.id);
    }
    for f in &d.force_figures {
        assert!(actors.contains(&f.claimant.as_str()), "{}", f.id);
        assert!(!f.sources.ids().is_empty(), "{}", f.id);
    }
}

#[test]
fn every_source_is_cited_by_something() {
    let d = dataset();
    let cited = d.cited_sources();
    for s in &d.sources {
        assert!(
            cited.contains(s.id.as_str()),
            "source {} is never cited",
            s.id
        );
    }
}

#[test]
fn figures_keep_the_qualifiers_the_article_used() {
    let d = dataset();
    let claim = |id: &str| d.claims.iter().find(|c| c.id.as_str() == id).unwrap();
    let killed = &claim("pakistan-claims-133-taliban-killed").figures;
    assert_eq!(
        (killed[0].value, killed[0].qualifier),
        (Some(133), Qualifier::AtLeast)
    );
    assert_eq!(
        (killed[1].value, killed[1].qualifier),
        (Some(200), Qualifier::MoreThan)
    );
    let armour = &claim("pakistan-claims-taliban-posts-and-bases-destroyed").figures;
    let over_80 = armour
        .iter()
        .find(|f| f.metric == "armour_and_artillery_destroyed")
        .unwrap();
    assert_eq!(
        (over_80.value, over_80.qualifier),
        (Some(80), Qualifier::MoreThan)
    );
    let figure = |id: &str| {
        d.force_figures
            .iter()
            .find(|f| f.id.as_str() == id)
            .unwrap()
    };
    let aircraft = figure("afghan-taliban-aircraft-2025");
    assert_eq!(
        (aircraft.value, aircraft.qualifier),
        (Some(6), Qualifier::AtLeast)
    );
    let personnel = figure("pakistan-active-personnel-2025");
    assert_eq!(
        (personnel.value, personnel.qualifier),
        (Some(600_000), Qualifier::MoreThan)
    );
    assert_eq!(personnel.as_of.value(), "2025");
    assert_eq!(personnel.claimant.as_str(), "iiss");
}

#[test]
fn a_one_sided_contradiction_is_reported() {
    let mut d = dataset();
    let c = d
        .claims
        .iter_mut()
        .find(|c| c.id.as_str() == "pakistan-claims-133-taliban-killed")
        .unwrap();
    c.contradicted_by
        .push(ClaimId::parse("taliban-claim-55-pakistani-soldiers-killed").unwrap());
    let errors = d.validate().unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.problem.contains("does not list this claim")),
        "{errors:?}"
    );
}

#[test]
fn dangling_references_are_all_reported_at_once() {
    let mut d = dataset();
    d.claims[0].claimant = durand::domain::ActorId::parse("nobody").unwrap();
    d.incidents[0].actors[0].actor = durand::domain::ActorId::parse("no-one").unwrap();
    d.force_figures[0].sources = serde_json::from_str(r#"["missing-source"]"#).unwrap();
    let errors = d.validate().unwrap_err();
    assert!(errors.len() >= 3, "{errors:?}");
    assert!(
        errors
            .iter()
            .any(|e| e.pointer == "/claimant" && e.problem.contains("actor `nobody`")),
        "{errors:?}"
    );
    assert!(errors.iter().any(|e| e.problem.contains("actor `no-one`")));
    assert!(
        errors
            .iter()
            .any(|e| e.problem.contains("source `missing-source`"))
    );
}

#[test]
fn a_figure_without_a_source_cannot_be_read() {
    let mut json: serde_json::Value = serde_json::to_value(&dataset().force_figures[0]).unwrap();
    json["sources"] = serde_json::json!([]);
    let err = serde_json::from_value::<durand::domain::ForceFigure>(json.clone()).unwrap_err();
    assert!(err.to_string().contains("at least one source"), "{err}");
    json.as_object_mut().unwrap().remove("claimant");
    json["sources"] = serde_json::json!(["iiss-2025"]);
    let err = serde_json::from_value::<durand::domain::ForceFigure>(json).unwrap_err();
    assert!(err.to_string().contains("claimant"), "{err}");
}

#[test]
fn a_loop_of_sources_cited_in_each_other_is_reported() {
    let mut d = dataset();
    let explainer = d
        .sources
        .iter_mut()
        .find(|s| s.id.as_str() == "explainer-2026-02-27")
        .unwrap();
    explainer.cited_in = Some(durand::domain::SourceId::parse("iiss-2025").unwrap());
    let errors = d.validate().unwrap_err();
    let looped: Vec<_> = errors
        .iter()
        .filter(|e| e.problem.contains("loops back"))
        .map(|e| e.record.as_str())
        .collect();
    assert_eq!(
        looped,
        ["sources/explainer-2026-02-27", "sources/iiss-2025"],
        "{errors:?}"
    );
}

#[test]
fn a_figures_problem_is_reported_at_its_field() {
    let mut d = dataset();
    let claim = d
        .claims
        .iter_mut()
        .find(|c| c.id.as_str() == "pakistan-claims-133-taliban-killed")
        .unwrap();
    claim.figures[1].value = Some(-5);
    let errors = d.validate().unwrap_err();
    let figure = errors
        .iter()
        .find(|e| e.record == "claims/pakistan-claims-133-taliban-killed")
        .unwrap();
    assert_eq!(figure.pointer, "/figures/1/value", "{errors:?}");
    assert!(figure.problem.contains("negative"), "{errors:?}");
    assert_eq!(
        figure.to_string(),
        "claims/pakistan-claims-133-taliban-killed/figures/1/value: `value` -5 is negative"
    );
}
