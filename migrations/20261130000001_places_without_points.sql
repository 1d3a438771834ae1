-- A place the source names without a point ("along the border", a region) has no
-- coordinates, and a place along a border between countries has no single country: both are
-- null, never invented. A point is both coordinates or neither.
alter table incident_locations
    alter column lat drop not null,
    alter column lon drop not null,
    alter column country drop not null,
    add constraint incident_locations_point_check check ((lat is null) = (lon is null));
