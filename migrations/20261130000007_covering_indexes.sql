-- Covering indexes for the "keys first" page queries (bench/scale, issue 10 part 2): a page of
-- incidents or claims finds its ids by walking an index in page order and testing each entry
-- against the filters, then reads only the page's documents. At a million incidents a filter
-- that matches one row in fifty (an actor, a box on the map) walked and fetched fifty rows per
-- match from the heap; with what the filters read held in the indexes, the walk reads index
-- pages only (index-only scans, given a vacuumed table).
create index incidents_date_cover_idx on incidents (date_start, id) include (date_end);
drop index incidents_date_id_idx;
create index claims_made_cover_idx on claims (made_start, id) include (made_end);
drop index claims_made_id_idx;
-- Claims of one kind in id order (force comparison's stated comparisons).
create index claims_kind_id_idx on claims (kind, id);
-- Probes from an incident to its places, for the country, admin1 and bbox filters.
create index incident_locations_probe_idx on incident_locations (incident_id)
    include (country, admin1, lon, lat);

-- The history tables mirror their current tables' indexes (see 20261130000006).
create index on history.incidents (date_start, id) include (date_end);
create index on history.claims (made_start, id) include (made_end);
create index on history.incident_locations (incident_id) include (country, admin1, lon, lat);
create index on history.claims (kind, id);
