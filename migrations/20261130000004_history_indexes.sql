-- Reads of a past version look rows up by their key, like current reads: each history table
-- gets an index on its key columns and the range start, so `get` by id and the child-row
-- lookups of an `as_of` read do not scan the history.
create index on history.dataset_meta (singleton, valid_from);
create index on history.sources (id, valid_from);
create index on history.actors (id, valid_from);
create index on history.actor_relations (actor_id, valid_from);
create index on history.actor_relations (related_actor_id, valid_from);
create index on history.incidents (id, valid_from);
create index on history.incident_actors (incident_id, valid_from);
create index on history.incident_actors (actor_id, valid_from);
create index on history.incident_locations (incident_id, valid_from);
create index on history.claims (id, valid_from);
create index on history.claims (incident_id, valid_from);
create index on history.claim_about (claim_id, valid_from);
create index on history.claim_about (actor_id, valid_from);
create index on history.claim_contradictions (claim_id, valid_from);
create index on history.force_figures (id, valid_from);
create index on history.citations (resource, record_id, valid_from);
create index on history.citations (source_id, valid_from);
