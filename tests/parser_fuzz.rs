//! Property tests for the hand-written parsers: no input, however odd, makes them panic,
//! and what they accept round-trips. Bounded by proptest's case count (PROPTEST_CASES,
//! default 256 per property), so CI runs them on every build.

use actix_web::test::TestRequest;
use durand::domain::PartialDate;
use durand::extract::parse_query;
use durand::routes::v1::format::{Format, JSON_CSV_GEOJSON, negotiate};
use durand::routes::v1::pagination::{Cursor, encode_cursor};
use durand::routes::v1::params::{ActorList, BBoxParam, DateBound, Limit, SearchText};
use proptest::prelude::*;

/// Strings biased toward the shapes the parsers look for, plus arbitrary text.
fn near_misses() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{1,5}(-[0-9]{1,3}){0,3}(/[0-9]{1,5}(-[0-9]{1,3}){0,2})?",
        "-?[0-9]{0,4}(\\.[0-9]{0,3})?(,-?[0-9]{0,4}(\\.[0-9]{0,3})?){0,5}",
        "[a-zA-Z0-9_=&%+,./-]{0,40}",
        "[A-Za-z0-9_-]{0,80}",
    ]
}

proptest! {
    #[test]
    fn partial_dates_never_panic_and_accepted_ones_round_trip(s in near_misses()) {
        if let Ok(d) = PartialDate::parse(&s) {
            prop_assert!(d.start() <= d.end());
            prop_assert_eq!(PartialDate::parse(d.value()).unwrap(), d.clone());
            let json = serde_json::to_value(&d).unwrap();
            prop_assert_eq!(serde_json::from_value::<PartialDate>(json).unwrap(), d);
        }
    }

    #[test]
    fn parameter_parsers_never_panic(s in near_misses()) {
        let _ = s.parse::<DateBound>();
        if let Ok(b) = s.parse::<BBoxParam>() {
            prop_assert!(b.0.min_lon <= b.0.max_lon && b.0.min_lat <= b.0.max_lat);
        }
        if let Ok(l) = s.parse::<Limit>() {
            let n = Limit::or_default(Some(l));
            prop_assert!((1..=500).contains(&n));
        }
        if let Ok(list) = s.parse::<ActorList>() {
            prop_assert!(!list.0.is_empty());
        }
        if let Ok(q) = s.parse::<SearchText>() {
            prop_assert!(!q.0.is_empty() && q.0.chars().count() <= 200);
        }
    }

    #[test]
    fn cursors_never_panic_and_only_their_own_collection_and_sort_accept_them(
        s in near_misses(),
        id in "[a-z0-9]{1,10}(-[a-z0-9]{1,10}){0,3}",
        day in 0u32..3000,
    ) {
        let _ = Cursor::decode("claims", "made_at", Some(&s));
        let date = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(u64::from(day));
        let c = encode_cursor("claims", "made_at", vec![serde_json::json!(date)], id.clone());
        let decoded = Cursor::decode("claims", "made_at", Some(&c)).unwrap().unwrap();
        prop_assert_eq!(&decoded.id, &id);
        prop_assert_eq!(decoded.key_as::<chrono::NaiveDate>("claims", 0).unwrap(), date);
        prop_assert!(Cursor::decode("claims", "-made_at", Some(&c)).is_err());
        prop_assert!(Cursor::decode("incidents", "made_at", Some(&c)).is_err());
    }

    #[test]
    fn forged_cursor_keys_out_of_range_are_refused_for_every_key_type(
        year in prop_oneof![-262_000i32..1, 10_000i32..262_000],
        version in i64::MIN..0,
        rank in prop_oneof![Just(1e39f64), Just(-1e39f64), Just(f64::MAX)],
        long in "[a-z]{1001,1100}",
    ) {
        // Every key type a cursor carries, each just outside what the database can hold or
        // the API ever serves; the same cursors with in-range keys decode.
        let date = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap();
        let forged = [
            ("claims", vec![serde_json::json!(date)]),
            ("timeline", vec![serde_json::json!("2016-01-01"), serde_json::json!(date)]),
            ("changes", vec![serde_json::json!(version)]),
            ("search", vec![serde_json::json!(rank)]),
            ("actors", vec![serde_json::json!(long)]),
        ];
        for (collection, key) in forged {
            let n = key.len() - 1;
            let c = encode_cursor(collection, "s", key, "x".into());
            let decoded = Cursor::decode(collection, "s", Some(&c)).unwrap().unwrap();
            let refused = match collection {
                "claims" | "timeline" => decoded.key_as::<chrono::NaiveDate>(collection, n).is_err(),
                "changes" => decoded.key_as::<i64>(collection, n).is_err(),
                "search" => decoded.key_as::<f32>(collection, n).is_err(),
                _ => decoded.key_as::<String>(collection, n).is_err(),
            };
            prop_assert!(refused, "{collection} accepted {:?}", decoded.key);
        }
        let fine = encode_cursor("claims", "s", vec![serde_json::json!("0001-01-01"), serde_json::json!("9999-12-31")], "x".into());
        let fine = Cursor::decode("claims", "s", Some(&fine)).unwrap().unwrap();
        prop_assert!(fine.key_as::<chrono::NaiveDate>("claims", 0).is_ok());
        prop_assert!(fine.key_as::<chrono::NaiveDate>("claims", 1).is_ok());
    }

    #[test]
    fn query_strings_never_panic_any_collection(q in near_misses()) {
        use durand::routes::v1::{actors, claims, force_figures, incidents, search, sources, timeline};
        let _ = parse_query::<claims::ListClaimsParams>(&q);
        let _ = parse_query::<incidents::ListIncidentsParams>(&q);
        let _ = parse_query::<actors::ListActorsParams>(&q);
        let _ = parse_query::<sources::ListSourcesParams>(&q);
        let _ = parse_query::<force_figures::ListForceFiguresParams>(&q);
        let _ = parse_query::<force_figures::ForceComparisonParams>(&q);
        let _ = parse_query::<search::SearchParams>(&q);
        let _ = parse_query::<timeline::TimelineParams>(&q);
    }

    #[test]
    fn content_negotiation_never_panics(accept in "[ -~]{0,60}", format in proptest::option::of(0usize..3)) {
        let req = TestRequest::default().insert_header(("accept", accept)).to_http_request();
        let format = format.map(|i| [Format::Json, Format::Csv, Format::Geojson][i]);
        if let Ok(f) = negotiate(&req, format, JSON_CSV_GEOJSON) {
            prop_assert!(JSON_CSV_GEOJSON.contains(&f));
        }
    }
}
