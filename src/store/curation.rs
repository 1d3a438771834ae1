//! Editors' writes to single records: what a record refers to, who refers to it, and the
//! create, replace and delete statements, each recorded as a revision of one dataset version.
//!
//! The HTTP layer validates the body, checks `If-Match` and holds the transaction; this
//! module is the SQL. Every function runs on the caller's transaction, after
//! [`history::lock`](super::history::lock).

use serde_json::Value;
use sqlx::PgConnection;

use super::history::Change;
use super::records;
use crate::domain::{Actor, Claim, ClaimId, ForceFigure, Incident, Resource, Source};

/// One record of any kind, as parsed from a write's body.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    Source(Source),
    Actor(Actor),
    Incident(Incident),
    Claim(Claim),
    ForceFigure(ForceFigure),
}

/// A reference from a record's field to another record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// JSON Pointer of the referring field, e.g. `/sources/0`.
    pub pointer: String,
    pub resource: Resource,
    pub id: String,
}

impl Record {
    /// Parses a stored or submitted document as a record of `resource`.
    pub fn from_doc(
        resource: Resource,
        doc: Value,
    ) -> Result<Self, serde_path_to_error::Error<serde_json::Error>> {
        fn parse<T: serde::de::DeserializeOwned>(
            doc: Value,
        ) -> Result<T, serde_path_to_error::Error<serde_json::Error>> {
            serde_path_to_error::deserialize(doc)
        }
        Ok(match resource {
            Resource::Sources => Self::Source(parse(doc)?),
            Resource::Actors => Self::Actor(parse(doc)?),
            Resource::Incidents => Self::Incident(parse(doc)?),
            Resource::Claims => Self::Claim(parse(doc)?),
            Resource::ForceFigures => Self::ForceFigure(parse(doc)?),
        })
    }

    pub fn resource(&self) -> Resource {
        match self {
            Self::Source(_) => Resource::Sources,
            Self::Actor(_) => Resource::Actors,
            Self::Incident(_) => Resource::Incidents,
            Self::Claim(_) => Resource::Claims,
            Self::ForceFigure(_) => Resource::ForceFigures,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Self::Source(r) => r.id.as_str(),
            Self::Actor(r) => r.id.as_str(),
            Self::Incident(r) => r.id.as_str(),
            Self::Claim(r) => r.id.as_str(),
            Self::ForceFigure(r) => r.id.as_str(),
        }
    }

    /// Every other record this one names, with the field naming it.
    pub fn references(&self) -> Vec<Reference> {
        let mut refs = Vec::new();
        let mut add = |pointer: String, resource: Resource, id: &str| {
            refs.push(Reference {
                pointer,
                resource,
                id: id.to_owned(),
            });
        };
        let sources = |prefix: &str,
                       ids: &[crate::domain::SourceId],
                       add: &mut dyn FnMut(String, Resource, &str)| {
            for (i, s) in ids.iter().enumerate() {
                add(
                    format!("{prefix}/sources/{i}"),
                    Resource::Sources,
                    s.as_str(),
                );
            }
        };
        match self {
            Self::Source(s) => {
                if let Some(via) = &s.cited_in {
                    add("/cited_in".into(), Resource::Sources, via.as_str());
                }
                if let Some(author) = &s.author {
                    add("/author".into(), Resource::Actors, author.as_str());
                }
            }
            Self::Actor(a) => {
                sources("", a.sources.ids(), &mut add);
                for (i, p) in a.places.iter().enumerate() {
                    if let Some(c) = &p.location.according_to {
                        add(
                            format!("/places/{i}/location/according_to"),
                            Resource::Claims,
                            c.as_str(),
                        );
                    }
                }
                for (i, r) in a.relations.iter().enumerate() {
                    add(
                        format!("/relations/{i}/actor"),
                        Resource::Actors,
                        r.actor.as_str(),
                    );
                    sources(&format!("/relations/{i}"), r.sources.ids(), &mut add);
                }
            }
            Self::Incident(inc) => {
                sources("", inc.sources.ids(), &mut add);
                for (i, a) in inc.actors.iter().enumerate() {
                    add(
                        format!("/actors/{i}/actor"),
                        Resource::Actors,
                        a.actor.as_str(),
                    );
                }
                for (i, l) in inc.locations.iter().enumerate() {
                    if let Some(c) = &l.according_to {
                        add(
                            format!("/locations/{i}/according_to"),
                            Resource::Claims,
                            c.as_str(),
                        );
                    }
                }
            }
            Self::Claim(c) => {
                sources("", c.sources.ids(), &mut add);
                add("/claimant".into(), Resource::Actors, c.claimant.as_str());
                if let Some(via) = &c.relayed_by {
                    add("/relayed_by".into(), Resource::Actors, via.as_str());
                }
                for (i, a) in c.about.iter().enumerate() {
                    add(format!("/about/{i}"), Resource::Actors, a.as_str());
                }
                if let Some(i) = &c.incident {
                    add("/incident".into(), Resource::Incidents, i.as_str());
                }
                for (i, o) in c.contradicted_by.iter().enumerate() {
                    add(
                        format!("/contradicted_by/{i}"),
                        Resource::Claims,
                        o.as_str(),
                    );
                }
            }
            Self::ForceFigure(f) => {
                sources("", f.sources.ids(), &mut add);
                add("/actor".into(), Resource::Actors, f.actor.as_str());
                add("/claimant".into(), Resource::Actors, f.claimant.as_str());
            }
        }
        refs
    }

    /// What is wrong with the record on its own, as `(pointer, problem)`.
    pub fn problems(&self) -> Vec<(String, String)> {
        let whole = |ps: Vec<String>| ps.into_iter().map(|p| located(&p)).collect();
        match self {
            Self::Source(s) => {
                let mut problems: Vec<(String, String)> = whole(s.problems());
                if s.cited_in.as_ref() == Some(&s.id) {
                    problems.push((
                        "/cited_in".into(),
                        "a source cannot be cited in itself".into(),
                    ));
                }
                problems
            }
            Self::Actor(a) => {
                let mut problems: Vec<(String, String)> = whole(a.problems());
                problems.extend(
                    a.relations
                        .iter()
                        .enumerate()
                        .filter(|(_, r)| r.actor == a.id)
                        .map(|(i, _)| {
                            (
                                format!("/relations/{i}/actor"),
                                "an actor cannot relate to itself".into(),
                            )
                        }),
                );
                problems
            }
            Self::Incident(i) => whole(i.problems()),
            Self::Claim(c) => whole(c.problems()),
            Self::ForceFigure(f) => whole(f.problems()),
        }
    }

    /// Writes the record to the current tables; returns the stored document when it changed.
    pub async fn upsert(&self, conn: &mut PgConnection) -> Result<Option<Value>, sqlx::Error> {
        match self {
            Self::Source(r) => records::upsert_source(conn, r).await,
            Self::Actor(r) => records::upsert_actor(conn, r).await,
            Self::Incident(r) => records::upsert_incident(conn, r).await,
            Self::Claim(r) => records::upsert_claim(conn, r).await,
            Self::ForceFigure(r) => records::upsert_force_figure(conn, r).await,
        }
    }

    /// A readable base for an id the server picks when the client proposes none.
    pub fn id_hint(resource: Resource, doc: &Value) -> String {
        let text = |key: &str| doc.get(key).and_then(Value::as_str).unwrap_or_default();
        let date = |key: &str| {
            doc.get(key)
                .and_then(|d| d.get("value").or(Some(d)))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let base = match resource {
            Resource::Sources => text("title").to_owned(),
            Resource::Actors => text("name").to_owned(),
            Resource::Incidents => format!("{} {}", text("title"), date("date")),
            Resource::Claims => {
                format!("{} {} {}", text("claimant"), text("kind"), date("made_at"))
            }
            Resource::ForceFigures => {
                format!("{} {} {}", text("actor"), text("metric"), date("as_of"))
            }
        };
        let slug = slugify(&base);
        if slug.is_empty() {
            resource.as_str().trim_end_matches('s').to_owned()
        } else {
            slug
        }
    }
}

/// The sources known second-hand (through `cited_in`) whose author the dataset names: what
/// the credit rule of claims and force figures needs.
pub async fn second_hand_sources(conn: &mut PgConnection) -> Result<Vec<Source>, sqlx::Error> {
    let docs = sqlx::query_scalar!(
        r#"
        select doc as "doc!: sqlx::types::Json<Source>" from sources
        where doc->>'cited_in' is not null and doc->>'author' is not null
        order by id
        "#
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(docs.into_iter().map(|sqlx::types::Json(s)| s).collect())
}

/// A problem as `(pointer, text)`: a leading path such as `relations[0]: ` or
/// `places[1].location: ` becomes the JSON Pointer `/relations/0` or `/places/1/location`.
fn located(problem: &str) -> (String, String) {
    let Some((path, rest)) = problem.split_once(": ") else {
        return (String::new(), problem.to_owned());
    };
    let is_path = !path.is_empty()
        && path
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_[].".contains(&b));
    if !is_path {
        return (String::new(), problem.to_owned());
    }
    let pointer = path
        .replace('[', ".")
        .replace(']', "")
        .split('.')
        .filter(|s| !s.is_empty())
        .map(|s| format!("/{s}"))
        .collect();
    (pointer, rest.to_owned())
}

/// Lowercase ASCII kebab-case of `text`, at most 60 characters, cut at a hyphen.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug = slug.trim_end_matches('-').to_owned();
    if slug.len() > 60 {
        let cut = slug[..60].rfind('-').unwrap_or(60);
        slug.truncate(cut);
    }
    slug
}

/// The first of `base`, `base-2`, `base-3`, ... that no record of `resource` has or had.
pub async fn free_id(
    conn: &mut PgConnection,
    resource: Resource,
    base: &str,
) -> Result<String, sqlx::Error> {
    let taken: Vec<String> = sqlx::query_scalar!(
        r#"
        select record_id as "id!" from revisions
        where resource = $1 and (record_id = $2 or record_id like $2 || '-%')
        union
        select record_id from tombstones
        where resource = $1 and (record_id = $2 or record_id like $2 || '-%')
        "#,
        resource.as_str(),
        base,
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut candidate = base.to_owned();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    Ok(candidate)
}

/// Whether a record of `resource` with this id exists now.
pub async fn exists(
    conn: &mut PgConnection,
    resource: Resource,
    id: &str,
) -> Result<bool, sqlx::Error> {
    Ok(records::stored_doc(conn, resource, id).await?.is_some())
}

/// The references that resolve to no current record, each with whether its target was deleted.
pub async fn dangling(
    conn: &mut PgConnection,
    refs: &[Reference],
) -> Result<Vec<(Reference, bool)>, sqlx::Error> {
    let resources: Vec<String> = refs
        .iter()
        .map(|r| r.resource.as_str().to_owned())
        .collect();
    let ids: Vec<String> = refs.iter().map(|r| r.id.clone()).collect();
    let rows = sqlx::query!(
        r#"
        select r.n as "n!", exists (
                   select 1 from tombstones t where t.resource = r.resource and t.record_id = r.id
               ) as "deleted!"
        from unnest($1::text[], $2::text[]) with ordinality as r(resource, id, n)
        where not case r.resource
            when 'sources' then exists (select 1 from sources where id = r.id)
            when 'actors' then exists (select 1 from actors where id = r.id)
            when 'incidents' then exists (select 1 from incidents where id = r.id)
            when 'claims' then exists (select 1 from claims where id = r.id)
            else exists (select 1 from force_figures where id = r.id)
        end
        order by r.n
        "#,
        &resources,
        &ids,
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (refs[(r.n - 1) as usize].clone(), r.deleted))
        .collect())
}

/// The sources `id` is cited in, directly or through others (at most 100 steps), so that a
/// write cannot make the `cited_in` chain loop.
pub async fn cited_in_chain(conn: &mut PgConnection, id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        with recursive chain (id, depth) as (
            select $1::text, 0
            union
            select s.doc ->> 'cited_in', c.depth + 1
            from chain c join sources s on s.id = c.id
            where s.doc ->> 'cited_in' is not null and c.depth < 100
        )
        select distinct id as "id!" from chain where depth > 0
        "#,
        id,
    )
    .fetch_all(&mut *conn)
    .await
}

/// Every record that refers to this one (`resource/id`), so that deleting it would leave
/// them dangling.
pub async fn referrers(
    conn: &mut PgConnection,
    resource: Resource,
    id: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"
        select distinct referrer as "referrer!" from (
            select c.resource || '/' || c.record_id as referrer
            from citations c where $1 = 'sources' and c.source_id = $2
            union all
            select 'sources/' || s.id from sources s where $1 = 'sources' and s.doc ->> 'cited_in' = $2
            union all
            select 'actors/' || r.actor_id from actor_relations r
            where $1 = 'actors' and r.related_actor_id = $2
            union all
            select 'incidents/' || i.incident_id from incident_actors i
            where $1 = 'actors' and i.actor_id = $2
            union all
            select 'claims/' || c.id from claims c where $1 = 'actors' and c.claimant_id = $2
            union all
            select 'claims/' || a.claim_id from claim_about a where $1 = 'actors' and a.actor_id = $2
            union all
            select 'force-figures/' || f.id from force_figures f
            where $1 = 'actors' and (f.actor_id = $2 or f.claimant_id = $2)
            union all
            select 'claims/' || c.id from claims c where $1 = 'incidents' and c.incident_id = $2
            union all
            select 'claims/' || x.claim_id from claim_contradictions x
            where $1 = 'claims' and x.contradicted_by_id = $2
        ) r
        order by 1
        "#,
        resource.as_str(),
        id,
    )
    .fetch_all(&mut *conn)
    .await
}

/// Deletes a record and its child rows and citations; returns its stored document.
pub async fn delete(
    conn: &mut PgConnection,
    resource: Resource,
    id: &str,
) -> Result<Option<Value>, sqlx::Error> {
    let conn = &mut *conn;
    let before = match resource {
        Resource::Sources => {
            sqlx::query_scalar!("delete from sources where id = $1 returning doc", id)
                .fetch_optional(&mut *conn)
                .await?
        }
        Resource::Actors => {
            sqlx::query_scalar!("delete from actors where id = $1 returning doc", id)
                .fetch_optional(&mut *conn)
                .await?
        }
        Resource::Incidents => {
            sqlx::query_scalar!("delete from incidents where id = $1 returning doc", id)
                .fetch_optional(&mut *conn)
                .await?
        }
        Resource::Claims => {
            sqlx::query_scalar!("delete from claims where id = $1 returning doc", id)
                .fetch_optional(&mut *conn)
                .await?
        }
        Resource::ForceFigures => {
            sqlx::query_scalar!("delete from force_figures where id = $1 returning doc", id)
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    sqlx::query!(
        "delete from citations where resource = $1 and record_id = $2",
        resource.as_str(),
        id
    )
    .execute(&mut *conn)
    .await?;
    Ok(before)
}

/// Records the tombstone of a deleted record, in the version that deleted it.
pub async fn bury(
    conn: &mut PgConnection,
    change: &Change,
    version: i64,
    author: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        insert into tombstones (resource, record_id, version, deleted_at, deleted_by, reason)
        select $1, $2, version, at, $4, $5 from dataset_versions where version = $3
        "#,
        change.resource.as_str(),
        change.id,
        version,
        author,
        change.reason.as_deref().unwrap_or_default(),
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The stored claim `id`, parsed.
pub async fn claim(conn: &mut PgConnection, id: &ClaimId) -> Result<Option<Claim>, sqlx::Error> {
    let doc = records::stored_doc(conn, Resource::Claims, id.as_str()).await?;
    Ok(doc.and_then(|d| serde_json::from_value(d).ok()))
}

/// A create sent earlier with this `Idempotency-Key` by this key: the request's hash and the
/// record it created.
pub struct IdempotentCreate {
    pub request_hash: Vec<u8>,
    pub location: Option<String>,
}

/// What an earlier create with this key and `Idempotency-Key` was, if any.
pub async fn idempotent_create(
    conn: &mut PgConnection,
    key_id: i64,
    idempotency_key: &str,
) -> Result<Option<IdempotentCreate>, sqlx::Error> {
    let row = sqlx::query!(
        r#"
        select request_hash, location from idempotency_keys
        where key_id = $1 and idempotency_key = $2
        "#,
        key_id,
        idempotency_key,
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| IdempotentCreate {
        request_hash: r.request_hash,
        location: r.location,
    }))
}

/// Remembers a create made with an `Idempotency-Key`, in the same transaction.
pub async fn remember_create(
    conn: &mut PgConnection,
    key_id: i64,
    idempotency_key: &str,
    request_hash: &[u8],
    location: &str,
    created: &Value,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        r#"
        insert into idempotency_keys (key_id, idempotency_key, request_hash, status, location, body)
        values ($1, $2, $3, 201, $4, $5)
        "#,
        key_id,
        idempotency_key,
        request_hash,
        location,
        created,
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::located;

    #[test]
    fn a_problems_leading_path_becomes_its_pointer() {
        assert_eq!(
            located("relations[0]: `state` is required"),
            ("/relations/0".into(), "`state` is required".into())
        );
        assert_eq!(
            located("places[1].location: no point"),
            ("/places/1/location".into(), "no point".into())
        );
        assert_eq!(
            located("`statement` is empty"),
            (String::new(), "`statement` is empty".into())
        );
    }
}
